from django.core.management.base import BaseCommand

from reports import tallies


class Command(BaseCommand):
    help = (
        "Count every report tally again from the records. Writes through the services keep "
        "them up to date; run this after loading or changing records in bulk outside them."
    )

    def handle(self, *args, **options) -> None:
        written = tallies.rebuild()
        self.stdout.write(f"Counted {written:,} report tallies.")
