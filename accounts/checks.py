"""Data checks run with ``manage.py check --database default``."""

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def users_belong_to_an_organisation(app_configs=None, databases=None, **kwargs):
    """Every user works for an organisation; one who does not is shown to no admin.

    Migration 0003 filled the organisation from each user's team or
    organisation-wide role; a user with neither was left without one.
    """
    if not databases:
        return []
    from .models import User

    try:
        usernames = list(
            User.objects.filter(organisation__isnull=True).values_list("username", flat=True)[:10]
        )
    except DatabaseError:
        # ``migrate`` runs the checks before it has added the column.
        return []
    if not usernames:
        return []
    return [
        checks.Warning(
            f"Users with no organisation: {', '.join(usernames)}.",
            hint="No admin can see or change them on the configuration site. Set each one's "
            "organisation in the Django shell (user.organisation = ...), or deactivate them.",
            id="accounts.W001",
        )
    ]
