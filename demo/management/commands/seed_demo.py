import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from demo.seed import SeedRefused, baseline_sql, seed_demo


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-03-31; got {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic people, outcomes and reviews of national size, "
        "for measuring reports (see demo/seed.py). Refuses to run if any person exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=1000, help="How many people (1000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        parser.add_argument(
            "--today", type=_day, default=None, help="Last day of the data (default: today)."
        )
        parser.add_argument(
            "--baseline-sql",
            action="store_true",
            help="Instead, time a plain SQL generate_series insert of the same row counts "
            "(PostgreSQL; the counts are worked out first, off the clock, by seeding and "
            "rolling back).",
        )

    def handle(self, *args, **options) -> None:
        people, seed = options["people"], options["seed"]
        today = options["today"] or timezone.localdate()
        if people < 1:
            raise CommandError("--people must be 1 or more.")
        try:
            if options["baseline_sql"]:
                self._baseline(people, seed, today)
            else:
                result = seed_demo(people=people, seed=seed, today=today)
                self._counts(result.counts, result.amendments)
                self.stdout.write(
                    f"Seeded {people:,} people (seed {seed}, ending {today}) into organisation "
                    f"{result.organisation_id} in {result.seconds:.1f} s."
                )
        except SeedRefused as refusal:
            raise CommandError(str(refusal)) from None

    def _baseline(self, people: int, seed: int, today: datetime.date) -> None:
        # Off the clock: how many rows seed_demo writes to each table, its report
        # tallies included (seeded, counted, and rolled back).
        with transaction.atomic():
            seeded = seed_demo(people=people, seed=seed, today=today)
            transaction.set_rollback(True)
        counts, amendments = seeded.counts, seeded.amendments
        seconds = baseline_sql(counts=counts, amendments=amendments)
        self._counts(counts, amendments)
        self.stdout.write(
            f"Plain SQL generate_series insert of the rows seed_demo would write for "
            f"{people:,} people: {seconds:.1f} s."
        )

    def _counts(self, counts: dict[str, int], amendments: int) -> None:
        for label, n in counts.items():
            note = f" ({amendments:,} of them amendments)" if label == "reviews" else ""
            self.stdout.write(f"  {label:<18} {n:>12,}{note}")
        self.stdout.write(f"  {'total':<18} {sum(counts.values()):>12,}")
