from django.core.management.base import BaseCommand

from accounts.models import Organisation
from frameworks.services import defaults_load


class Command(BaseCommand):
    help = (
        "Give every organisation its own copies of the default outcome frameworks and "
        "rating scale, where it has not got them yet. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        if not Organisation.objects.exists():
            self.stdout.write(
                "No organisation yet: each organisation gets its own copies of the default "
                "frameworks when it is created."
            )
            return
        result = defaults_load()
        created = result.scales_created + result.frameworks_created
        if created:
            self.stdout.write(self.style.SUCCESS("Loaded: " + ", ".join(created)))
        else:
            self.stdout.write("Every organisation has the default frameworks; nothing changed.")
