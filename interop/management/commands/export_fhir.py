"""Write an organisation's FHIR Bulk Data files (NDJSON, one per resource type).

    manage.py export_fhir --organisation "Test Partnership" --out exports/

Writes Patient.ndjson, Goal.ndjson, Observation.ndjson and CarePlan.ndjson,
showing how many people each has reached. Memory stays the same however many
people there are. Each person exported is an audit event.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from common.actor import Actor
from interop.exports import RESOURCE_TYPES, organisation_ndjson
from interop.selectors import organisation_people

from ._organisation import organisation_named


class Command(BaseCommand):
    help = "Export an organisation's records as FHIR R4 Bulk Data NDJSON files."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Its name or id.")
        parser.add_argument("--out", type=Path, required=True, help="A folder for the files.")
        parser.add_argument("--type", choices=RESOURCE_TYPES, action="append", dest="types")

    def handle(self, *args, organisation: str, out: Path, types, **options):
        target = organisation_named(organisation)
        out.mkdir(parents=True, exist_ok=True)
        total = organisation_people(target).count()
        for resource_type in types or RESOURCE_TYPES:
            started = time.monotonic()
            path = out / f"{resource_type}.ndjson"

            def progress(done: int, resource_type=resource_type) -> None:
                self.stdout.write(f"{resource_type}: {done:,} of {total:,} people")

            lines = 0
            with path.open("wb") as file:
                for chunk in organisation_ndjson(
                    actor=Actor.system(),
                    organisation=target,
                    resource_type=resource_type,
                    progress=progress,
                ):
                    lines += chunk.count(b"\n")
                    file.write(chunk)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {path}: {lines:,} resources ({time.monotonic() - started:.1f} s)"
                )
            )
