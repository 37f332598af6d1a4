"""Disclosure control that holds against differencing (the cell-key method).

The organisation report's counts are perturbed by reports.disclosure; these tests
play someone who reads every table of the report, for every team filter and
period, and tries to work out a count from 1 to 4 exactly.
"""

import csv
import datetime
import io
import random
import re
from collections import Counter

import pytest

from accounts.models import OrganisationRole
from frameworks.models import Band
from reports import disclosure
from reports.disclosure import KEYS, MAX_PERTURBATION, THRESHOLD, Count, perturbed
from tests.reports.attacker import Attacker
from tests.reports.conftest import D

BAND_OF_SCORE = {
    1: Band.NOT_ACHIEVED,
    2: Band.NOT_ACHIEVED,
    3: Band.PARTLY_ACHIEVED,
    4: Band.PARTLY_ACHIEVED,
    5: Band.ACHIEVED,
}
BAND_ROWS = {"Achieved": Band.ACHIEVED, "Partly achieved": Band.PARTLY_ACHIEVED}
BAND_ROWS["Not achieved"] = Band.NOT_ACHIEVED
BANDS = list(BAND_ROWS.values())
QUARTERS = {"Q1": (D(2025, 1, 1), D(2025, 3, 31)), "Q2": (D(2025, 4, 1), D(2025, 6, 30))}
PERIODS = {"Q1": ["Q1"], "Q2": ["Q2"], "H1": ["Q1", "Q2"]}
PERIOD_DATES = {"Q1": QUARTERS["Q1"], "Q2": QUARTERS["Q2"], "H1": (D(2025, 1, 1), D(2025, 6, 30))}
FIRST_DAY, SECOND_DAY = D(2025, 2, 3), D(2025, 5, 5)


def csv_rows(response) -> list[list[str]]:
    """The table of a CSV download: the rows after any description and its empty row."""
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[rows.index([]) + 1 :] if [] in rows else rows


# The perturbation table


def test_no_count_from_one_to_four_is_ever_shown_and_larger_ones_stay_near():
    for n in range(0, 60):
        seen = Counter(perturbed(Count(n, key)) for key in range(KEYS))
        assert not set(seen) & set(range(1, THRESHOLD))
        for shown in seen:
            assert n in disclosure.possible_counts(shown)
            if n >= THRESHOLD:
                assert abs(shown - n) <= MAX_PERTURBATION
        if 0 < n < THRESHOLD:
            # Shown as 5 for a share of keys in proportion to n: right on average.
            assert abs(5 * seen[THRESHOLD] / KEYS - n) < 0.05
    assert perturbed(Count(0, 77)) == 0
    with pytest.raises(TypeError):
        perturbed(7)  # a count without its record keys cannot be protected


def test_record_keys_come_from_the_report_key_and_add_up_in_counts(settings):
    keys = [disclosure.record_key("review", pk) for pk in range(1, 400)]
    assert all(0 <= k < KEYS for k in keys)
    assert len(set(keys)) > 200  # spread over the range
    assert disclosure.record_key("review", 1) != disclosure.record_key("outcome", 1)
    total = sum((Count(1, k) for k in keys), Count())
    assert (int(total), total.key) == (len(keys), sum(keys))
    assert (Count(3, 10) - Count(1, 4)).key == 6
    disclosure._report_key.cache_clear()
    settings.REPORT_KEY = "another-report-key-" + "Zq8vM2xL" * 4
    try:
        assert [disclosure.record_key("review", pk) for pk in range(1, 400)] != keys
    finally:
        disclosure._report_key.cache_clear()


# The attacker against the old "<5" suppression: it finds what the issue found.


def test_the_attacker_works_out_what_suppression_with_a_total_gave_away():
    # "Improved skills": 5, <5, <5 with 13 rated: both hidden cells are 4.
    old = Attacker()
    old.knows(["a"], 5, 5)
    old.knows(["p"], 1, 4)
    old.knows(["n"], 1, 4)
    old.knows(["a", "p", "n"], 13, 13)
    assert old.pinned(["p"], {"a": 5, "p": 4, "n": 4})
    # <5, 8, * with 14: "*" hides a count of 5 or more, so the "<5" is 1.
    old = Attacker()
    old.knows(["a"], 1, 4)
    old.knows(["p"], 8, 8)
    old.knows(["n"], THRESHOLD, 200)
    old.knows(["a", "p", "n"], 14, 14)
    assert old.pinned(["a"], {"a": 1, "p": 8, "n": 5})
    # Six "<5" cells and a column total of 6: each is 1.
    old = Attacker()
    for i in range(6):
        old.knows([i], 1, 4)
    old.knows(range(6), 6, 6)
    assert old.pinned([0], dict.fromkeys(range(6), 1))
    # 9 for the organisation, 7 with one team: 2 outside it.
    old = Attacker()
    old.knows(["team", "rest"], 9, 9)
    old.knows(["team"], 7, 7)
    assert old.pinned(["rest"], {"team": 7, "rest": 2})
    # A mean distance of 0.95 over 284 pins the hidden ends of the distribution:
    # <5, 29, 69, 102, 55, 24, <5 for -2 to +4 points.
    shown = {-2: None, -1: 29, 0: 69, 1: 102, 2: 55, 3: 24, 4: None}
    truth = {-2: 1, -1: 29, 0: 69, 1: 102, 2: 55, 3: 24, 4: 4}
    counts_only = Attacker(largest=300)
    for d, n in shown.items():
        counts_only.knows([d], *((1, 4) if n is None else (n, n)))
    counts_only.knows(shown, 284, 284)
    assert not counts_only.pinned([4], truth)
    with_mean = Attacker(largest=300)
    with_mean.facts, with_mean.atoms = list(counts_only.facts), set(counts_only.atoms)
    # mean * 284 rounds to 0.95: the sum of distances is from 268.38 to 271.22.
    with_mean.knows_weighted({d: d for d in shown if d}, 269, 271)
    assert with_mean.pinned([4], truth) and with_mean.pinned([-2], truth)


# The attacker against the organisation report as it is now


SPEC = [
    # (team, framework outcome, scores: first rating in Q1, rating in Q2)
    *[("A", "Seeing people", s) for s in (5, 5, 5, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1)],
    *[("B", "Feeling safe", s) for s in (5, 5, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 1, 1)],
    ("A", "Feeling safe", 4),
    ("A", "Feeling safe", 5),
    ("B", "Having things to do", 3),
    ("B", "Reliability", 5),
    ("B", "Reduced symptoms", 2),
]


@pytest.fixture
def published(django_db_reset_sequences, client, roles, build, monkeypatch):
    """The data of SPEC written through the services, and the truth kept beside it.

    Ids start from 1 whatever ran before in the same database: each record's key, and
    so each perturbed count, comes from its id, and the attacker's search must meet the
    same counts in any order the suite runs in (one worker or several).
    """
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2025, 9, 1))
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    client.force_login(roles.manager)
    teams = {"A": roles.team, "B": roles.other_team}
    rng = random.Random(18)
    ratings: Counter = Counter()  # (team, quarter, outcome, band) -> true count
    distances: Counter = Counter()  # (team, quarter, outcome, distance or "first")
    mattered: Counter = Counter()  # (team, outcome)
    for i, (team, name, second) in enumerate(SPEC):
        person = build.person(f"Person {i}", team=teams[team])
        first = rng.randint(1, 3)
        build.outcome(
            person,
            name,
            [(FIRST_DAY, first), (SECOND_DAY, second)],
            started_on=D(2024, 6, 1),
        )
        mattered[team, name] += 1
        ratings[team, "Q1", name, BAND_OF_SCORE[first]] += 1
        ratings[team, "Q2", name, BAND_OF_SCORE[second]] += 1
        distances[team, "Q1", name, "first"] += 1
        distances[team, "Q2", name, second - first] += 1
    return client, teams, ratings, distances, mattered


def _views(client, organisation_id: int, teams: dict):
    """Every (period, team filter) view of the tables the attacker reads."""
    for period, (start, end) in PERIOD_DATES.items():
        for team in (None, "A", "B"):
            query = f"?period=custom&start={start}&end={end}"
            if team:
                query += f"&team={teams[team].pk}"
            base = f"/reports/organisations/{organisation_id}/export/"
            tables = {
                name: csv_rows(client.get(f"{base}{name}.csv{query}"))
                for name in ("bands", "framework_outcomes", "distance", "team_by_outcome")
            }
            page = client.get(f"/reports/organisations/{organisation_id}/{query}")
            yield period, team, tables, page.content.decode()


def test_nothing_from_one_to_four_can_be_worked_out_from_every_table_filter_and_period(
    published, roles
):
    client, teams, ratings, distances, mattered = published
    organisation_id = roles.team.organisation.pk
    names = sorted({name for _, name, _ in SPEC})
    team_names = {teams[t].name: t for t in teams}
    distance_values = ["first", *range(-4, 5)]
    attacker = Attacker()
    truth: dict = {**{("r", *k): n for k, n in ratings.items()}}
    truth |= {("d", *k): n for k, n in distances.items()}
    truth |= {("m", *k): n for k, n in mattered.items()}
    facts: list = []  # (atoms, shown) for every count read

    def read(atoms: list, shown: str, *, present: bool = False) -> None:
        value = int(shown)
        assert not 0 < value < THRESHOLD, "a count from 1 to 4 is shown"
        possible = disclosure.possible_counts(value)
        low = max(possible.start, 1 if present else 0)
        attacker.knows(atoms, low, possible.stop - 1)
        facts.append(atoms)

    def r(team_filter, quarters, outcome_names, bands) -> list:
        chosen = ["A", "B"] if team_filter is None else [team_filter]
        return [
            ("r", t, q, o, b)
            for t in chosen
            for q in quarters
            for o in outcome_names
            for b in bands
        ]

    def d(team_filter, quarters, outcome_names, values) -> list:
        chosen = ["A", "B"] if team_filter is None else [team_filter]
        return [
            ("d", t, q, o, v)
            for t in chosen
            for q in quarters
            for o in outcome_names
            for v in values
        ]

    # The same ratings counted by band and by distance.
    for t in ("A", "B"):
        for q in QUARTERS:
            for o in names:
                attacker.knows_equal(r(t, [q], [o], BANDS), d(t, [q], [o], distance_values))

    for period, team, tables, page in _views(client, organisation_id, teams):
        quarters = PERIODS[period]
        bands = tables["bands"]
        for label, band in BAND_ROWS.items():
            row = next(row for row in bands if row[0] == label)
            read(r(team, quarters, names, [band]), row[1])
        read(r(team, quarters, names, BANDS), bands[-1][1])
        for row in tables["framework_outcomes"][1:]:
            o = row[0]
            chosen = ["A", "B"] if team is None else [team]
            read([("m", t, o) for t in chosen], row[2], present=True)
            for band, cell in zip(BANDS, row[3:6], strict=True):
                read(r(team, quarters, [o], [band]), cell)
            read(r(team, quarters, [o], BANDS), row[6])
            read(d(team, quarters, [o], range(-4, 5)), row[8])
        distance = tables["distance"]
        shown_distribution = {}
        for row in distance[1:-1]:
            words = row[0]
            value = 0 if words == "No change" else int(re.search(r"\d+", words).group())
            value = -value if words.startswith("Down") else value
            shown_distribution[value] = int(row[1])
            read(d(team, quarters, names, [value]), row[1], present=True)
        read(d(team, quarters, names, range(-4, 5)), distance[-1][1])
        # The mean is worked out from the counts shown, so it tells nothing more.
        mean = re.search(r"Average change since the first rating: (-?[\d.]+)\.", page)
        total = sum(shown_distribution.values())
        if total:
            expected = sum(v * n for v, n in shown_distribution.items()) / total
            assert mean.group(1) == f"{expected:.2f}"
        grid = tables["team_by_outcome"]
        header = grid[0]
        for row in grid[1:]:
            t = team_names[row[0]]
            for o, cell in zip(header[1:-1], row[1:-1], strict=True):
                read([("m", t, o)], cell)
            read([("m", t, o) for o in header[1:-1]], row[-1])

    small_facts = [f for f in facts if 0 < sum(truth.get(a, 0) for a in f) < THRESHOLD]
    small_atoms = [[a] for a, n in truth.items() if 0 < n < THRESHOLD]
    assert small_facts and small_atoms  # the data has small counts to look for
    pinned = [
        atoms
        for atoms in {tuple(f) for f in small_facts + small_atoms}
        if attacker.pinned(list(atoms), truth)
    ]
    assert pinned == []


def test_the_same_cell_shows_the_same_on_every_page_download_and_reload(published, roles):
    client, *_ = published
    org = roles.team.organisation.pk
    query = "?period=custom&start=2025-04-01&end=2025-06-30"
    first = csv_rows(client.get(f"/reports/organisations/{org}/export/bands.csv{query}"))
    again = csv_rows(client.get(f"/reports/organisations/{org}/export/bands.csv{query}"))
    assert first == again
    # The last quarter's ratings, as the trend table shows them for the quarter.
    trend = csv_rows(client.get(f"/reports/organisations/{org}/export/trend.csv{query}"))
    quarter = next(row for row in trend if row[0].startswith("Apr to Jun 2025"))
    assert quarter[1] == first[-1][1]
    page = client.get(f"/reports/organisations/{org}/{query}").content.decode()
    assert f"<td>{first[-1][1]}</td>" in page


def test_the_team_dashboard_shows_its_managers_exact_counts(published, roles):
    client, teams, ratings, *_ = published
    bands = csv_rows(
        client.get(
            f"/reports/teams/{teams['A'].pk}/export/bands.csv"
            "?period=custom&start=2025-04-01&end=2025-06-30"
        )
    )
    exact = sum(n for (t, q, _, _), n in ratings.items() if (t, q) == ("A", "Q2"))
    assert bands[-1][1] == str(exact)


def test_a_date_in_this_module_is_a_date():
    # The periods above are whole quarters: the report reads them from monthly tallies.
    assert all(start.day == 1 for start, _ in PERIOD_DATES.values())
    assert all((end + datetime.timedelta(days=1)).day == 1 for _, end in PERIOD_DATES.values())
