"""Time importing 100,000 people with ``manage.py import_people``.

Run with ``DATABASE_URL=postgres://.../scratch make bench-import``. It works on
the database DATABASE_URL names, migrated: it makes an organisation of its own
("Import Bench", 20 teams) if there is none, writes a CSV file of BENCH_ROWS
fictional people (default 100,000; each with a valid CHI number, one or two
teams, a key person and ways of communicating), then runs, each timed end to
end through the command:

1. ``--dry-run`` on the file (every row checked, nothing written);
2. the import (every row added, in bulk, one transaction);
3. the same import again (every row matched, nothing changed).

Use a scratch database: it keeps the people it imports, so a second run of
the benchmark finds them already there (step 2 then changes nothing).
Not part of ``make test``: the figures go in bench/RESULTS.md.
"""

import csv
import datetime
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.test_settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Organisation, Team  # noqa: E402
from frameworks.services import defaults_load  # noqa: E402
from records.chi import chi_check_digit  # noqa: E402
from records.models import Person  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
ORGANISATION = "Import Bench"
TEAMS = [f"Bench Team {n:02d}" for n in range(1, 21)]
FIRST = ["Agnes", "Callum", "Morag", "Hamish", "Isla", "Fraser", "Kirsty", "Ewan", "Ailsa", "Rory"]
LAST = ["Bench", "Sample", "Example", "Testwell", "Placeholder", "Dummie", "Fictional", "Madeup"]


def chi_numbers(count: int, rng: random.Random):
    """``count`` different valid CHI numbers with their dates of birth."""
    made = set()
    while len(made) < count:
        born = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 95))
        first = f"{born:%d%m%y}{rng.randrange(0, 1000):03d}"
        digit = chi_check_digit(first)
        if digit is None or first + str(digit) in made:
            continue
        made.add(first + str(digit))
        yield first + str(digit), born


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(17)  # noqa: S311 (fictional data, not secrets)
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(
            [
                "full_name",
                "preferred_name",
                "date_of_birth",
                "chi_number",
                "teams",
                "key_people",
                "ways_of_communicating",
            ]
        )
        for n, (chi, born) in enumerate(chi_numbers(rows, rng)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            teams = rng.sample(TEAMS, 2 if n % 5 == 0 else 1)
            out.writerow(
                [
                    f"{first} {last} {n}",
                    first if n % 3 == 0 else "",
                    born.isoformat(),
                    chi,
                    "; ".join(teams),
                    f"{rng.choice(FIRST)} {last} (daughter)",
                    "verbal" if n % 2 else "verbal; life_story",
                ]
            )


def organisation() -> Organisation:
    found, _ = Organisation.objects.get_or_create(name=ORGANISATION)
    for name in TEAMS:
        Team.objects.get_or_create(organisation=found, name=name)
    defaults_load()
    return found


def timed(label: str, *args, **options) -> float:
    started = time.monotonic()
    out = io.StringIO()
    call_command("import_people", *args, stdout=out, **options)
    seconds = time.monotonic() - started
    last = out.getvalue().strip().splitlines()[-1]
    print(f"{label}: {seconds:.1f} s  [{last}]")
    return seconds


def main() -> None:
    print(f"Database: {connection.vendor}; rows: {ROWS:,}")
    target = organisation()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        started = time.monotonic()
        write_file(path, ROWS)
        size = path.stat().st_size / 1024 / 1024
        print(f"Wrote {path.name}: {size:.1f} MiB in {time.monotonic() - started:.1f} s")
        before = Person.objects.count()
        timed("dry run", str(path), organisation=target.name, dry_run=True)
        timed("import", str(path), organisation=target.name)
        print(f"People added: {Person.objects.count() - before:,}")
        timed("same file again", str(path), organisation=target.name)


if __name__ == "__main__":
    main()
