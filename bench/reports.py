"""Time the team dashboard and the organisation report on the national-size data set.

Run with ``DATABASE_URL=postgres://... make bench-reports``. It works on the
database DATABASE_URL names, which must be PostgreSQL and migrated: if that
database has no people yet, it is first filled with ``seed_demo`` (300,000
people, or BENCH_PEOPLE; this takes a few minutes), otherwise the
organisation seed_demo made is used as it is. Use a scratch database: the
benchmark adds a manager ("bench-manager") of one typical team (the one whose
caseload is nearest 150 people) who also has the organisation-wide role, and
vacuums and analyses the records tables, as autovacuum would after a bulk load.

It then requests, through Django's test client and in one run, a minimal view
(/healthz), the team dashboard (this quarter) and the organisation report
(the whole organisation, last 12 months), with other views of the same
figures: one warm-up each, then RUNS rounds in which each page is requested
twice in turn and timed the second time (a page that takes over 5 s only in
the first 3 rounds), so that the machine's changes of speed fall on every page
alike. It prints the
medians, their ratios to the minimal view, the number of queries and the
slowest queries of each page. With ``--explain`` it also prints EXPLAIN
ANALYZE of each page's slowest queries.

Not part of ``make test``: timings depend on the machine, so they are measured
here and recorded in bench/RESULTS.md, never asserted in unit tests.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
SLOW_SECONDS, SLOW_RUNS = 5, 3
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "300000"))
SLOWEST = 3
VACUUMED = (
    "records_person",
    "records_caseloadentry",
    "records_outcome",
    "records_outcome_framework_outcomes",
    "records_review",
    "records_review_helped_themes",
    "records_review_hindered_themes",
    "reports_tally",
    "reports_organisationtally",
    "reports_teamtally",
    "reports_teamoutcometally",
    "reports_teamoutcomespan",
)
# Goals from the reports issues, as ratios to the minimal view in the same run
# (absolute times move with the machine).
DASHBOARD_GOAL_RATIO, REPORT_GOAL_RATIO = 20, 300


def prepare():
    """The seeded organisation, a typical team of it, and a manager of both."""
    from accounts.models import Membership, Organisation, OrganisationRole, Role, User
    from demo.seed import ORGANISATION_NAME, seed_demo
    from records.models import Person
    from records.selectors import caseload_sizes_for_teams

    if not Person.objects.exists():
        print(f"Seeding {PEOPLE:,} people into an empty database (seed_demo)...", flush=True)
        result = seed_demo(people=PEOPLE, seed=1, today=timezone.localdate())
        print(f"  seeded {sum(result.counts.values()):,} rows in {result.seconds:.0f} s")
    organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    sizes = caseload_sizes_for_teams(organisation.teams.values_list("pk", flat=True))
    team_id = min(sorted(sizes), key=lambda pk: abs(sizes[pk] - 150))
    manager, _ = User.objects.get_or_create(username="bench-manager")
    Membership.objects.get_or_create(user=manager, team_id=team_id, role=Role.MANAGER)
    OrganisationRole.objects.get_or_create(user=manager, organisation=organisation)
    with connection.cursor() as cursor:
        for table in VACUUMED:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return organisation, team_id, sizes[team_id], manager


def measure(client: Client, pages: list[tuple[str, str]]) -> dict:
    """Each page's timings, taken in rounds: every round times one request of each
    page in turn, so a change in the machine's speed falls on every page alike rather
    than on whichever page was being timed at that minute."""
    slow = set()
    for name, url in pages:
        began = time.perf_counter()
        response = client.get(url)  # warm up templates, caches and the connection
        assert response.status_code == 200, (url, response.status_code)
        # A page taking seconds is timed in the first few rounds only.
        if time.perf_counter() - began > SLOW_SECONDS:
            slow.add(name)
    timings: dict = {name: [] for name, _ in pages}
    sizes = {}
    for run in range(RUNS):
        for name, url in pages:
            if name in slow and run >= SLOW_RUNS:
                continue
            # Untimed, so that the timed request follows one of its own page, as it
            # would in a run of that page alone, not the garbage of another.
            client.get(url)
            began = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
            sizes[name] = len(response.content) // 1024
    results = {}
    for name, url in pages:
        # The queries of one more request, not timed.
        with CaptureQueriesContext(connection) as capture:
            client.get(url)
        results[name] = {
            "median": statistics.median(timings[name]),
            "min": min(timings[name]),
            "max": max(timings[name]),
            "runs": len(timings[name]),
            "queries": list(capture),
            "kib": sizes[name],
        }
    return results


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/reports.py measures PostgreSQL: set DATABASE_URL to a scratch database.")
    from frameworks.models import Framework
    from records.models import Outcome, Person, Review

    organisation, team_id, team_size, manager = prepare()
    client = Client()
    client.force_login(manager)
    pages = [
        ("minimal view (/healthz)", reverse("healthz")),
        (
            f"team dashboard ({team_size} people, this quarter)",
            reverse("team_dashboard", args=[team_id]),
        ),
        (
            "organisation report (last 12 months)",
            reverse("organisation_report", args=[organisation.pk]) + "?period=last_12_months",
        ),
    ]
    # Other views of the same figures, timed for the record (no goal).
    today = timezone.localdate()
    report = reverse("organisation_report", args=[organisation.pk]) + "?period=last_12_months"
    lineage = Framework.objects.get(key="adults-community", superseded_at__isnull=True).lineage
    pages += [
        ("  by age band (75 to 84)", f"{report}&age_band=75_84"),
        ("  by framework (adults in the community)", f"{report}&framework={lineage}"),
        ("  one team (counted from its records)", f"{report}&team={team_id}"),
        (
            "team dashboard, dates to the day",
            reverse("team_dashboard", args=[team_id])
            + f"?period=custom&start={today - datetime.timedelta(days=52)}&end={today}",
        ),
    ]
    results = measure(client, pages)

    print(
        f"\nreports on PostgreSQL: {Person.objects.count():,} people, "
        f"{Outcome.objects.count():,} outcomes, {Review.objects.count():,} reviews; "
        f"median of {RUNS} rounds, each timing one request of each page, after one warm-up "
        f"({SLOW_RUNS} rounds for a page over {SLOW_SECONDS} s)"
    )
    minimal = results[pages[0][0]]["median"]
    for name, r in results.items():
        print(
            f"  {name:<45} median {r['median']:8.1f} ms  (min {r['min']:.1f}, max "
            f"{r['max']:.1f}, {r['runs']} runs)  x{r['median'] / minimal:.1f} minimal  "
            f"{len(r['queries'])} queries, {r['kib']} KiB"
        )
    dashboard, report = results[pages[1][0]], results[pages[2][0]]
    print(
        f"  goals: dashboard within {DASHBOARD_GOAL_RATIO}x minimal: "
        f"{'met' if dashboard['median'] < DASHBOARD_GOAL_RATIO * minimal else 'MISSED'}; "
        f"organisation report within {REPORT_GOAL_RATIO}x minimal: "
        f"{'met' if report['median'] < REPORT_GOAL_RATIO * minimal else 'MISSED'}"
    )
    for name, r in list(results.items())[1:3]:
        print(f"\n  slowest queries of the {name}:")
        for q in sorted(r["queries"], key=lambda q: -float(q["time"]))[:SLOWEST]:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
            if "--explain" in sys.argv:
                print(explain(q["sql"]))


if __name__ == "__main__":
    main()
