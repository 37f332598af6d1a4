from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: a practitioner, a manager or an admin.

    Each user belongs to one organisation, even before they join a team: only
    that organisation's admins may see or change their account.
    """

    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text="The organisation this person works for.",
    )
    # Demo accounts (made by `make run`) sign in only while DEBUG is on.
    is_demo = models.BooleanField(default=False, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    practitioners_need_mfa = models.BooleanField(
        "Practitioners must use a second step to sign in",
        default=False,
        help_text="Admins and managers always must.",
    )
    # Eight years after support ends: a common retention period for adult social
    # care records in Scotland. apply_retention anonymises closed records after it.
    retention_years = models.PositiveSmallIntegerField(
        "Years to keep a record after it is closed",
        default=8,
        help_text="After this many years, a closed record's personal details and "
        "free text are removed; its ratings and dates stay for reports.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_years__gte=1), name="retention_years_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.team})"


class OrganisationRole(models.Model):
    """A role across a whole organisation, beyond any one team.

    An organisation-wide manager (for example a commissioning manager) sees the
    organisation report; like an admin, they see no person's record through it.
    """

    class Kind(models.TextChoices):
        MANAGER = "manager", "Organisation-wide manager"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="wide_roles"
    )
    role = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MANAGER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_wide_role_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"
