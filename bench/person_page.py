"""Time the person page for someone with 30 outcomes and 600 reviews.

Run with ``make bench`` (SQLite, or PostgreSQL when DATABASE_URL is set). It
builds a throw-away test database, fills it, requests the page repeatedly and
prints the median and spread. Not part of ``make test``: timings depend on the
machine, so they are measured here and recorded, never asserted in unit tests.
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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

OUTCOMES, REVIEWS_EACH, RUNS = 30, 20, 15


def build():
    from accounts.models import Membership, Organisation, Role, Team, User
    from frameworks.models import FrameworkOutcome, RatingScale
    from frameworks.services import defaults_load
    from records.models import Action, CaseloadEntry, Outcome, Person, Review
    from records.services import outcome_progress_refresh

    defaults_load()
    team = Team.objects.create(organisation=Organisation.objects.create(name="Bench"), name="T")
    user = User.objects.create_user("bench", password="bench-password-123")
    Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER)
    person = Person.objects.create(full_name="Bench Person")
    CaseloadEntry.objects.create(person=person, team=team)
    scale = RatingScale.objects.get(key="extent-achieved")
    points = list(scale.points.order_by("score"))
    framework_outcomes = list(FrameworkOutcome.objects.all()[:40])
    start = datetime.date(2024, 1, 1)
    for n in range(OUTCOMES):
        outcome = Outcome.objects.create(
            person=person,
            what_matters=f"Outcome {n}: to get out to the shops and see people again",
            why_it_matters="It keeps me connected to my neighbours.",
            started_on=start,
            next_review_on=start + datetime.timedelta(days=400),
            scale=scale,
            created_by=user,
        )
        outcome.framework_outcomes.set(framework_outcomes[n % 40 : n % 40 + 2])
        Action.objects.create(outcome=outcome, description="Weekly walk", who="Support worker")
        Review.objects.bulk_create(
            Review(
                outcome=outcome,
                reviewed_on=start + datetime.timedelta(days=18 * i),
                point=points[(n + i) % len(points)],
                narrative="Managed the walk to the corner shop with a rest on the bench.",
                what_helped="Good weather and a friendly neighbour",
                what_hindered="Sore knee in the mornings",
                created_by=user,
            )
            for i in range(REVIEWS_EACH)
        )
        outcome_progress_refresh(outcome)
    return user, person


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        user, person = build()
        client = Client()
        client.force_login(user)
        url = f"/people/{person.pk}/"
        client.get(url)  # warm up templates and connections
        timings = []
        for _ in range(RUNS):
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the next request's request_started signal empties the query log.
        query_count = len(queries)
        if os.environ.get("BENCH_DUMP"):
            Path(os.environ["BENCH_DUMP"]).write_bytes(response.content)
        # The minimal view, timed in the same run: the same sign-in and middleware,
        # one query, no template. The person page's goal is within 60 times this.
        minimal = []
        for _ in range(RUNS):
            began = time.perf_counter()
            client.get("/healthz")
            minimal.append((time.perf_counter() - began) * 1000)
        print(
            f"person page, {OUTCOMES} outcomes, {OUTCOMES * REVIEWS_EACH} reviews, "
            f"{connection.vendor}: median {statistics.median(timings):.0f} ms, "
            f"min {min(timings):.0f} ms, max {max(timings):.0f} ms over {RUNS} runs; "
            f"{query_count} queries; {len(response.content) // 1024} KiB of HTML"
        )
        ratio = statistics.median(timings) / statistics.median(minimal)
        print(
            f"minimal view (/healthz): median {statistics.median(minimal):.1f} ms; "
            f"the person page takes {ratio:.0f} times as long"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def load(
    base_url: str, session_key: str, person_id: int, seconds: int = 20, windows: int = 4
) -> None:
    """Requests per second for a person's page and for /healthz from 8 concurrent
    clients against a running server (gunicorn), signed in with ``session_key``.

    Each is measured for ``seconds`` in all, in ``windows`` turns taken in
    alternation (person page, /healthz, person page, ...), so that a machine
    shared with other work slows both alike rather than whichever ran second.

    ``python bench/person_page.py load http://127.0.0.1:8765 <session key> <person id>``
    """
    import http.client
    import threading
    from urllib.parse import urlparse

    target = urlparse(base_url)

    def rate(path: str, seconds: float) -> float:
        done, failed = [0], [0]
        stop = time.perf_counter() + seconds

        def client() -> None:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            while time.perf_counter() < stop:
                conn.request(
                    "GET",
                    path,
                    headers={
                        "Cookie": f"sessionid={session_key}",
                        "X-Forwarded-Proto": "https",
                        "Host": target.hostname,
                    },
                )
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[0] += 1
                else:
                    failed[0] += 1

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed[0]:
            print(f"{path}: {failed[0]} responses were not 200")
        return done[0] / seconds

    person = health = 0.0
    for _ in range(windows):
        person += rate(f"/people/{person_id}/", seconds / windows) / windows
        health += rate("/healthz", seconds / windows) / windows
    print(
        f"8 clients for {seconds} s each, in {windows} alternating turns: person page "
        f"{person:.0f} requests/s, /healthz {health:.0f} requests/s "
        f"({100 * person / health:.1f}%)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        load(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
