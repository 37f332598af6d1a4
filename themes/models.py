from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

from accounts.models import Organisation


class Theme(models.Model):
    """A theme of what helps or what hinders, such as "Family support" or "Transport".

    Each organisation keeps its own list. A retired theme is no longer offered
    but stays wherever it was used.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="themes")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                F("organisation"),
                Lower("name"),
                name="theme_name_unique_in_organisation",
                violation_error_message="This organisation already has a theme with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_at is None
