from django.core.management.base import BaseCommand

from frameworks.services import defaults_load


class Command(BaseCommand):
    help = "Load the default outcome frameworks and rating scale. Safe to run again."

    def handle(self, *args, **options) -> None:
        result = defaults_load()
        created = result.scales_created + result.frameworks_created
        if created:
            self.stdout.write(self.style.SUCCESS("Loaded: " + ", ".join(created)))
        else:
            self.stdout.write("Default frameworks already loaded; nothing changed.")
