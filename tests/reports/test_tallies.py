"""The report tallies follow every write, and give the same figures as counting the records."""

import datetime
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from frameworks.models import Framework, FrameworkOutcome
from records import services
from records.models import Outcome, OutcomeStatus
from reports import tallies
from reports.models import ALL_AGES, KEY, TALLY_MODELS, tally_model
from reports.periods import Period, period_from
from reports.selectors import (
    OrganisationFilters,
    counted_rollup,
    organisation_rollup,
    team_outcomes,
    team_rollup,
)
from tests.reports.conftest import D
from themes.models import Theme

TODAY = datetime.date(2026, 3, 14)


def stored() -> Counter:
    """Every stored tally with its sum of record keys, checking each is in the table it
    belongs in."""
    counts = Counter()
    for model in TALLY_MODELS:
        for *key, n, keys in model.objects.values_list(*KEY, "n", "keys").order_by():
            assert tally_model(*key[1:5]) is model
            counts[tuple(key)] = (n, keys)
    return counts


def fo(name: str, framework: str = "adults-community") -> FrameworkOutcome:
    return FrameworkOutcome.objects.get(short_name=name, category__framework__key=framework)


@pytest.fixture
def history(roles, build, actor_as, monkeypatch):
    """A year of records written through the services, touching every kind of change."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    practitioner = actor_as(roles.practitioner)
    transport = Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    family = Theme.objects.create(organisation=roles.team.organisation, name="Family support")
    iris = build.person("Iris Mackenzie", date_of_birth=D(1941, 3, 20))
    tam = build.person("Tam Baird", date_of_birth=D(1990, 7, 1))
    agnes = build.person("Agnes Stewart", team=roles.other_team)
    services.person_teams_change(
        actor=practitioner, person=agnes, teams=[roles.team, roles.other_team]
    )
    seeing = build.outcome(iris, "Seeing people", [(D(2025, 2, 1), 2)], started_on=D(2025, 1, 20))
    services.outcome_update(
        actor=practitioner,
        outcome=seeing,
        version=Outcome.objects.get(pk=seeing.pk).version,
        framework_outcomes=[fo("Seeing people"), fo("A life of their own", "unpaid-carers")],
    )
    build.rate(seeing, D(2025, 6, 1), 5, 'She said "I go every week"', "Her daughter", "Rain")
    services.review_add(
        actor=practitioner,
        outcome=seeing,
        reviewed_on=D(2025, 6, 1),
        point=seeing.scale.points.get(score=4),
        what_helped="Her daughter drives",
        helped_themes=[family],
        hindered_themes=[transport],
    )
    safe = build.outcome(tam, "Feeling safe", [(D(2025, 3, 3), 1), (D(2025, 9, 9), 3)])
    services.review_amend(
        actor=practitioner,
        review=safe.reviews.order_by("pk").first(),
        reason="Wrong score",
        reviewed_on=D(2025, 3, 3),
        point=safe.scale.points.get(score=2),
        hindered_themes=[transport],
    )
    done = build.outcome(agnes, "Having things to do", [(D(2025, 4, 4), 4)])
    services.outcome_update(
        actor=practitioner,
        outcome=done,
        version=Outcome.objects.get(pk=done.pk).version,
        status=OutcomeStatus.ACHIEVED,
        status_changed_on=D(2025, 8, 31),
    )
    services.person_update(
        actor=practitioner,
        person=tam,
        version=tam.__class__.objects.get(pk=tam.pk).version,
        date_of_birth=D(1950, 1, 1),
    )
    services.person_teams_change(actor=practitioner, person=tam, teams=[roles.other_team])
    return roles


def test_tallies_kept_by_every_write_are_those_counted_again_from_the_records(history):
    kept = stored()
    organisation_rated = [
        n
        for key, (n, _) in kept.items()
        if key[1:4] == (0, tallies.RATED, "") and key[4] != ALL_AGES
    ]
    # Seeing people: Feb, and June (two that day: the later entered counts); Feeling
    # safe: March (corrected) and September; Having things to do: April.
    assert sum(organisation_rated) == 5
    # The organisation's tallies for all ages together are those by age band added up.
    by_band, all_ages = defaultdict(Counter), defaultdict(Counter)
    for key, (n, keys) in kept.items():
        if key[1] == 0:
            rest = (*key[:4], *key[5:])
            (all_ages if key[4] == ALL_AGES else by_band)[rest].update(n=n, keys=keys)
    assert all_ages == by_band
    assert sum(c["n"] for k, c in all_ages.items() if k[1:4] == (0, tallies.RATED, "")) == 5
    assert all(keys > 0 for _, keys in kept.values())
    tallies.rebuild()
    assert stored() == kept


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"age_band": "75_84"},
        {"age_band": "unknown"},
        {"framework_lineage": "unpaid-carers"},
        {"framework_outcome_identity": "Seeing people"},
    ],
)
@pytest.mark.parametrize("kind", ["last_12_months", "last_quarter", "custom"])
def test_organisation_figures_from_tallies_equal_the_records_counted(history, filters, kind):
    filters = dict(filters)
    if "framework_lineage" in filters:
        filters["framework_lineage"] = str(
            Framework.objects.get(key=filters["framework_lineage"]).lineage
        )
    if "framework_outcome_identity" in filters:
        filters["framework_outcome_identity"] = str(
            fo(filters["framework_outcome_identity"]).identity
        )
    period = period_from(kind, TODAY, D(2025, 1, 1), D(2025, 12, 31))
    organisation = history.team.organisation
    from_tallies, grid = organisation_rollup(organisation, OrganisationFilters(**filters), period)
    headline = (
        f"outcome:{filters['framework_outcome_identity']}"
        if "framework_outcome_identity" in filters
        else f"framework:{filters['framework_lineage']}"
        if "framework_lineage" in filters
        else ""
    )
    counted = counted_rollup(
        Outcome.objects.all(),
        period,
        (organisation.pk, 0),
        age=filters.get("age_band", ""),
        headline=headline,
        framework_lineage=filters.get("framework_lineage"),
        framework_outcome_identity=filters.get("framework_outcome_identity"),
    )
    assert from_tallies == counted
    every_team = grid.cells(None)
    for team in (history.team, history.other_team):
        # A page of the table reads its teams' cells only: the same as read with every team.
        one_team = grid.cells([team.pk])
        assert one_team == {cell: n for cell, n in every_team.items() if cell[0] == team.pk}
        for row in grid.identities:
            by_team, _ = organisation_rollup(
                organisation, OrganisationFilters(team=team, **filters), period
            )
            mattered = {r.identity: r.mattered for r in by_team.rows}
            assert every_team.get((team.pk, str(row.identity)), 0) == mattered.get(row.identity, 0)


def test_whole_year_figures_of_the_history(history):
    period = period_from("custom", TODAY, D(2025, 1, 1), D(2025, 12, 31))
    r, grid = organisation_rollup(history.team.organisation, OrganisationFilters(), period)
    # Ratings given: Seeing people in February (the first) and June (4 entered after
    # 5 on the same day: +2); Feeling safe in March (the first, corrected to 2) and
    # September (+1); Having things to do in April (the first; closed in August).
    assert r.current.rated == 5
    assert r.current.distances == {2: 1, 1: 1}
    assert r.current.single_rating_excluded == 3
    assert {t["name"]: (t["helped"], t["hindered"]) for t in r.themes} == {
        "Family support": (1, 0),
        "Transport": (0, 2),
    }
    assert {row.name: row.mattered for row in r.rows} == {
        "Seeing people": 1,
        "A life of their own": 1,
        "Feeling safe": 1,
        "Having things to do": 1,
    }
    # Agnes is on both teams and counts once for the organisation, once in each team's row.
    cells = grid.cells(None)
    assert cells[history.team.pk, str(fo("Having things to do").identity)] == 1
    assert cells[history.other_team.pk, str(fo("Having things to do").identity)] == 1
    assert cells[history.other_team.pk, str(fo("Feeling safe").identity)] == 1
    assert (history.team.pk, str(fo("Feeling safe").identity)) not in cells


@pytest.mark.parametrize("kind", ["this_quarter", "last_quarter", "last_12_months"])
def test_team_dashboard_from_tallies_equals_the_team_records_counted(history, kind):
    period = period_from(kind, TODAY)
    for team in (history.team, history.other_team):
        assert team_rollup(team, period) == counted_rollup(
            team_outcomes(team), period, (team.organisation_id, team.pk)
        )


def test_a_rating_keeps_the_age_band_of_its_day_after_a_birthday(history, build, monkeypatch):
    """Iris turns 85 on 20 March 2026: her ratings of 2025 stay in 75 to 84, a rating
    after her birthday counts in 85 and over."""
    organisation = history.team.organisation

    def rated(band: str, start: str = "2025-01-01", end: str = "2025-12-31") -> int:
        period = period_from(
            "custom", TODAY, datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        )
        r, _ = organisation_rollup(organisation, OrganisationFilters(age_band=band), period)
        return r.current.rated

    # Iris twice, Tam (born in 1950 after the correction) twice.
    assert (rated("75_84"), rated("85_plus")) == (4, 0)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 3, 25))
    seeing = Outcome.objects.get(person__full_name="Iris Mackenzie")
    build.rate(seeing, D(2026, 3, 21), 5)
    assert (rated("75_84"), rated("85_plus")) == (4, 0)
    assert rated("85_plus", "2026-01-01", "2026-03-31") == 1
    kept = stored()
    tallies.rebuild()
    assert stored() == kept


def test_periods_are_whole_months_and_compare_with_as_many_months_before():
    year = period_from("last_12_months", TODAY)
    assert (year.start, year.end) == (D(2025, 4, 1), D(2026, 3, 31))
    assert (year.previous().start, year.previous().end) == (D(2024, 4, 1), D(2025, 3, 31))
    quarter = period_from("last_quarter", TODAY)
    assert (quarter.previous().start, quarter.previous().end) == (D(2025, 7, 1), D(2025, 9, 30))
    odd = Period(D(2025, 1, 15), D(2025, 2, 3), "")
    assert (odd.widened_to_whole_months().start, odd.widened_to_whole_months().end) == (
        D(2025, 1, 1),
        D(2025, 2, 28),
    )
    assert (odd.previous().start, odd.previous().end) == (D(2024, 12, 26), D(2025, 1, 14))


def test_organisation_report_widens_custom_dates_and_checks_the_outcome_is_in_the_framework(
    client, history
):
    from accounts.models import OrganisationRole

    OrganisationRole.objects.create(user=history.manager, organisation=history.team.organisation)
    client.force_login(history.manager)
    org = history.team.organisation.pk
    page = client.get(
        f"/reports/organisations/{org}/?period=custom&start=2025-01-15&end=2025-02-03"
    ).content.decode()
    assert "1 Jan 2025 to 28 Feb 2025 (whole months)" in page
    carers = Framework.objects.get(key="unpaid-carers").lineage
    wrong = client.get(
        f"/reports/organisations/{org}/?framework={carers}"
        f"&framework_outcome={fo('Seeing people').identity}"
    )
    assert wrong.status_code == 200
    assert "That framework outcome is not in the chosen framework" in wrong.content.decode()


@pytest.mark.postgresql_only
def test_the_rebuild_statement_counts_what_the_rules_in_python_count(history):
    """PostgreSQL rebuilds in one statement; it must agree with ``contributions``."""
    kept = stored()
    assert tallies.rebuild() == len(kept)
    assert stored() == kept
    for model in TALLY_MODELS:
        model.objects.all().delete()
    tallies.rebuild_in_python()
    assert stored() == kept


def test_migrating_a_database_whose_tallies_were_cleared_counts_them_again(history):
    # Reports migration 0006 clears tallies counted the old way; migrate ends by
    # counting them again, so the reports are right the moment the app starts.
    kept = stored()
    for model in TALLY_MODELS:
        model.objects.all().delete()
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert stored() == kept
    assert "report tallies again" in out.getvalue()
    # With tallies in place, migrating again counts nothing.
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert "report tallies again" not in out.getvalue()
