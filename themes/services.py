"""Writes to themes that carry rules: retiring and reinstating.

Adding and changing a theme is done on the configuration site, which checks
the one rule (a name used once in an organisation) through the database
constraint and writes the audit event.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from common.actor import Actor

from .models import Theme


def _set_retired(actor: Actor, theme: Theme, *, retire: bool) -> Theme:
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if (current.retired_at is not None) == retire:
        raise ValidationError(
            f"“{current.name}” is already retired." if retire else f"“{current.name}” is active."
        )
    current.retired_at = timezone.now() if retire else None
    current.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="retire" if retire else "reinstate",
        on=current,
        summary="Theme retired" if retire else "Theme reinstated",
        changes={"retired": [not retire, retire]},
    )
    return current


@transaction.atomic
def theme_retire(*, actor: Actor, theme: Theme) -> Theme:
    """Stop offering a theme; wherever it was used keeps it."""
    return _set_retired(actor, theme, retire=True)


@transaction.atomic
def theme_reinstate(*, actor: Actor, theme: Theme) -> Theme:
    """Offer a retired theme again."""
    return _set_retired(actor, theme, retire=False)
