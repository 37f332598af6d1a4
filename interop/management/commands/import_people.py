"""Import a file of people into an organisation's caseloads (see interop.services).

    manage.py import_people people.csv --organisation "Test Partnership" --dry-run
    manage.py import_people people.csv --organisation "Test Partnership"

With --dry-run it says what each kind of row would do and lists every problem,
writing nothing but its audit event. Without it, it imports only if the file
has no problem. Exits non-zero when anything is wrong.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.actor import Actor
from interop.services import ImportRefused, people_import, people_import_check

from ._organisation import organisation_named

PROBLEMS_PRINTED = 200


class Command(BaseCommand):
    help = "Import people and their caseloads from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="Its name or id.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")

    def handle(self, *args, file: Path, organisation: str, dry_run: bool, **options):
        target = organisation_named(organisation)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        started = time.monotonic()

        def progress(what: str, done: int, total: int | None) -> None:
            seconds = time.monotonic() - started
            self.stdout.write(f"{what} {done:,} of {total:,} rows ({seconds:.1f} s)")

        actor = Actor.system()
        if dry_run:
            plan = people_import_check(
                actor=actor, organisation=target, content=content, progress=progress
            )
        else:
            try:
                plan = people_import(
                    actor=actor, organisation=target, content=content, progress=progress
                )
            except ImportRefused as refused:
                plan = refused.plan
        for problem in plan.problems[:PROBLEMS_PRINTED]:
            self.stderr.write(str(problem))
        if len(plan.problems) > PROBLEMS_PRINTED:
            self.stderr.write(f"... and {len(plan.problems) - PROBLEMS_PRINTED:,} more problems.")
        counts = f"{plan.added:,} to add, {plan.updated:,} to change, {plan.unchanged:,} unchanged"
        elapsed = f"{time.monotonic() - started:.1f} s"
        if plan.problems:
            raise CommandError(
                f"{len(plan.problems):,} problem(s); nothing was imported ({counts}; {elapsed})."
            )
        if dry_run:
            self.stdout.write(f"The file is ready: {counts}. Nothing was saved ({elapsed}).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {plan.added:,} new and {plan.updated:,} changed people; "
                    f"{plan.unchanged:,} were already up to date ({elapsed})."
                )
            )
