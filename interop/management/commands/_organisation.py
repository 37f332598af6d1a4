from django.core.management.base import CommandError

from accounts.models import Organisation


def organisation_named(value: str) -> Organisation:
    """The organisation with this id or exact name."""
    found = Organisation.objects.filter(name=value).first()
    if found is None and value.isdigit():
        found = Organisation.objects.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"No organisation is called {value!r} (or has that id).")
    return found
