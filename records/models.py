from django.db import models

from accounts.models import Team


class Person(models.Model):
    """Someone a team supports. They do not sign in; their record is kept for them."""

    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What the person likes to be called."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    teams = models.ManyToManyField(Team, through="CaseloadEntry", related_name="people")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name


class CaseloadEntry(models.Model):
    """A person being on one team's caseload. A person may be on several."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="caseload_entries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="caseload_entries")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="person_once_per_caseload")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.team}"
