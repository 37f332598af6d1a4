"""Every figure on the team dashboard and the organisation report, on data built by hand."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from frameworks.models import FrameworkOutcome
from records import services
from records.models import CaseloadEntry
from reports.tables import NONE
from tests.factories import OutcomeFactory
from tests.reports.conftest import PERIOD, D


def rows_of(response) -> list[list[str]]:
    """The table of a CSV download: the rows after the description and its empty row."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[rows.index([]) + 1 :]


@pytest.fixture
def manager(client, roles):
    client.force_login(roles.manager)
    return client


def test_dashboard_counts_bands_distance_and_exclusions(manager, roles, build):
    iris = build.person("Iris Mackenzie")
    tam = build.person("Tam Baird")
    build.person("Agnes Stewart")  # no outcome
    # Seeing people: 2 -> 4 (distance +2), latest achieved? 4 = partly.
    build.outcome(iris, "Seeing people", [(D(2025, 2, 1), 2), (D(2025, 8, 1), 4)])
    # Seeing people: 1 -> 5: +4, achieved.
    build.outcome(tam, "Seeing people", [(D(2024, 12, 1), 1), (D(2025, 3, 1), 5)])
    # Feeling safe: a single rating: left out of distance, counted in bands.
    build.outcome(tam, "Feeling safe", [(D(2025, 5, 1), 2)])
    # Rated only before the period: not rated in it, but it still mattered.
    build.outcome(iris, "Reliability", [(D(2024, 7, 1), 3), (D(2024, 9, 1), 4)])

    response = manager.get(f"/reports/teams/{roles.team.pk}/{PERIOD}")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="figure">3</strong> people with open records' in html
    assert '<strong class="figure">1</strong> with no outcome recorded yet' in html

    table = rows_of(
        manager.get(f"/reports/teams/{roles.team.pk}/export/framework_outcomes.csv{PERIOD}")
    )
    assert table[0][:3] == ["Framework outcome", "Framework", "Outcomes worked on"]
    by_name = {row[0]: row for row in table[1:]}
    # name, framework, mattered, achieved, partly, not, ratings given, share, ratings
    # after the first, mean: Iris's first rating (2, not achieved) is in the period.
    assert by_name["Seeing people"][2:] == ["2", "1", "1", "1", "3", "33%", "2", "3.00"]
    assert by_name["Feeling safe"][2:] == ["1", "0", "0", "1", "1", "0%", "0", NONE]
    assert by_name["Reliability"][2:] == ["1", "0", "0", "0", "0", NONE, "0", NONE]

    bands = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/bands.csv{PERIOD}"))
    # Ratings given in 2025: Iris's 2 and 4, Tam's 5, and Feeling safe's 2.
    assert bands[1:] == [
        ["Achieved", "1", "25%"],
        ["Partly achieved", "1", "25%"],
        ["Not achieved", "2", "50%"],
        ["All ratings given", "4", "100%"],
    ]
    distance = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/distance.csv{PERIOD}"))
    assert distance[1:] == [
        ["Up 2 points", "1"],
        ["Up 4 points", "1"],
        ["All ratings after the first", "2"],
    ]
    page = manager.get(f"/reports/teams/{roles.team.pk}/{PERIOD}").content.decode()
    assert "Average change since the first rating: 3.00." in page
    assert "First ratings, the starting point, are not counted here: 2." in page


def test_dashboard_lists_overdue_reviews_and_people_with_no_outcome(manager, roles, build):
    today = timezone.localdate()
    iris = build.person("Iris <Mackenzie>")
    tam = build.person("Tam Baird")
    build.person("Agnes Stewart")  # no outcome
    build.person(
        "Closed Record", closed_on=today, closed_reason="Moved away"
    )  # closed: in neither list nor count
    build.person("Rab Other", team=roles.other_team)  # another team's
    build.outcome(
        iris,
        "Seeing people",
        what_matters="To get out to the shops and see my neighbours again every week",
        next_review_on=D(2025, 9, 4),
    )
    build.outcome(
        tam, "Feeling safe", what_matters="Feel safe at home", next_review_on=D(2025, 3, 1)
    )
    build.outcome(tam, "Reliability", next_review_on=today + datetime.timedelta(days=1))

    html = manager.get(f"/reports/teams/{roles.team.pk}/").content.decode()

    assert '<strong class="figure">3</strong> people with open records' in html
    assert '<strong class="figure">1</strong> with no outcome recorded yet' in html
    assert '<strong class="figure">2</strong> outcome reviews overdue' in html
    overdue = html.split("<summary>Overdue reviews</summary>")[1].split("</ul>")[0]
    # Longest overdue first; the person's own words cut at eight words; names escaped.
    assert overdue == (
        f'\n    <ul><li><a href="/people/{tam.pk}/">Tam Baird</a>: due 1 Mar 2025, '
        "“Feel safe at home”</li>"
        f'<li><a href="/people/{iris.pk}/">Iris &lt;Mackenzie&gt;</a>: due 4 Sep 2025, '
        "“To get out to the shops and see …”</li>"
    )
    without = html.split("<summary>People with no outcome recorded</summary>")[1]
    assert "Agnes Stewart</a></li></ul>" in without.split("</details>")[0]
    assert "Closed Record" not in html and "Rab Other" not in html


def test_people_with_no_outcome_are_listed_however_long_the_caseload(manager, roles, build):
    # More people with outcomes than the list shows: those without still come first.
    for n in range(55):
        OutcomeFactory(person=build.person(f"Aaron Person {n:02}"))
    build.person("Zoe Without")
    build.person("Yusuf Without")

    html = manager.get(f"/reports/teams/{roles.team.pk}/").content.decode()

    assert '<strong class="figure">57</strong> people with open records' in html
    assert '<strong class="figure">2</strong> with no outcome recorded yet' in html
    listed = html.split("<summary>People with no outcome recorded</summary>")[1]
    listed = listed.split("</details>")[0]
    assert re.findall(r">([^<>]+)</a></li>", listed) == ["Yusuf Without", "Zoe Without"]


def test_same_day_ratings_the_later_entered_counts_and_amendments_replace(
    manager, roles, build, actor_as
):
    person = build.person("Iris Mackenzie")
    outcome = build.outcome(person, "Seeing people", [(D(2025, 2, 1), 2)])
    build.rate(outcome, D(2025, 6, 1), 5)
    build.rate(outcome, D(2025, 6, 1), 3)  # entered later on the same day: counts
    bands = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/bands.csv{PERIOD}"))
    assert bands[2] == ["Partly achieved", "1", "50%"]  # the 3 of June; the 2 of February

    first = outcome.reviews.order_by("pk").first()
    services.review_amend(
        actor=actor_as(roles.practitioner),
        review=first,
        reason="Wrong score",
        reviewed_on=D(2025, 2, 1),
        point=outcome.scale.points.get(score=1),
    )
    distance = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/distance.csv{PERIOD}"))
    assert distance[1] == ["Up 2 points", "1"]  # 3 - 1 (the corrected baseline)


@pytest.mark.parametrize("period", [PERIOD, "?period=custom&start=2025-01-03&end=2025-12-30"])
def test_people_are_counted_with_the_team_they_are_on_now(manager, roles, build, actor_as, period):
    person = build.person("Callum Reid", team=roles.other_team)
    build.outcome(person, "Having things to do", [(D(2025, 2, 1), 2), (D(2025, 9, 1), 3)])
    page = f"/reports/teams/{roles.team.pk}/{period}"
    assert "Having things to do" not in manager.get(page).content.decode()
    services.person_teams_change(actor=actor_as(roles.manager), person=person, teams=[roles.team])
    assert "Having things to do" in manager.get(page).content.decode()
    assert CaseloadEntry.objects.get(person=person).team == roles.team


def test_retired_framework_outcomes_still_count_and_say_so(manager, roles, build):
    person = build.person("Iris Mackenzie")
    build.outcome(person, "Reduced symptoms", [(D(2025, 2, 1), 2), (D(2025, 9, 1), 3)])
    FrameworkOutcome.objects.filter(short_name="Reduced symptoms").update(retired_at=timezone.now())
    table = rows_of(
        manager.get(f"/reports/teams/{roles.team.pk}/export/framework_outcomes.csv{PERIOD}")
    )
    assert table[1][0] == "Reduced symptoms (retired)"
    assert table[1][6] == "2"  # ratings given


def test_recording_quality_shares(manager, roles, build):
    person = build.person("Iris Mackenzie")
    good = build.outcome(
        person,
        "Seeing people",
        what_matters="I want to see my pals at the lunch club",
        why_it_matters="She has been lonely",
        contribution="Jean walks with her",
        started_on=D(2025, 2, 1),
    )
    build.rate(good, D(2025, 5, 1), 3, 'She said "I loved it"', "Jean")
    build.outcome(person, "Feeling safe", what_matters="Receive 4 visits", started_on=D(2025, 3, 1))
    quality = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/quality.csv{PERIOD}"))
    rows = {(r[0], r[1]): r[2:] for r in quality[1:]}
    assert rows[("Outcomes recorded", "An outcome, not a service")] == ["2", "1", "50%"]
    assert rows[("Outcomes recorded", "Person's or family's part noted")] == ["2", "1", "50%"]
    assert rows[("Reviews recorded", "Rating explained in narrative")] == ["1", "1", "100%"]


def test_this_period_is_compared_with_the_previous_one(manager, roles, build):
    person = build.person("Iris Mackenzie")
    build.outcome(person, "Seeing people", [(D(2024, 3, 1), 5)])
    build.outcome(person, "Feeling safe", [(D(2025, 3, 1), 1)])
    comparison = rows_of(
        manager.get(f"/reports/teams/{roles.team.pk}/export/comparison.csv{PERIOD}")
    )
    assert comparison[0][1].startswith("1 Jan 2025")
    assert comparison[1] == ["Ratings given", "1", "1"]
    assert comparison[2] == ["Share achieved", "0%", "100%"]


def test_a_figure_leads_to_the_narrative_behind_it(manager, roles, build):
    person = build.person("Iris Mackenzie")
    outcome = build.outcome(person, "Seeing people", [(D(2025, 2, 1), 2)])
    build.rate(outcome, D(2025, 6, 1), 5, "Goes every week now", "Community transport", "Rain")
    html = manager.get(f"/reports/teams/{roles.team.pk}/{PERIOD}").content.decode()
    identity = FrameworkOutcome.objects.get(short_name="Seeing people").identity
    link = (
        f"/reports/teams/{roles.team.pk}/narrative/?period=custom&amp;start=2025-01-01"
        f"&amp;end=2025-12-31&amp;identity={identity}&amp;band=achieved"
    )
    assert link in html
    narrative = manager.get(link.replace("&amp;", "&")).content.decode()
    assert "Goes every week now" in narrative and "Community transport" in narrative


def test_csv_cells_that_look_like_formulas_are_neutralised(manager, roles, build):
    person = build.person("=HYPERLINK(evil)")
    build.outcome(person, "Seeing people")
    client = manager
    from reports.exports import neutralise

    for value in ("=1+1", "+44 123", "-2", "@SUM(A1)"):
        assert neutralise(value).startswith("'")
    assert neutralise("Plain words") == "Plain words"
    xlsx = client.get(f"/reports/teams/{roles.team.pk}/export/bands.xlsx{PERIOD}")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    sheet = workbook.worksheets[1]  # after the About sheet
    assert [c.value for c in next(sheet.iter_rows())] == ["Band", "Ratings", "Share"]


def test_team_and_organisation_reports_are_for_the_right_people(client, roles, build):
    for user, team_status, org_status in (
        (roles.practitioner, 404, 404),
        (roles.other_practitioner, 404, 404),
        (roles.manager, 200, 404),
        (roles.admin, 404, 200),
    ):
        client.force_login(user)
        assert client.get(f"/reports/teams/{roles.team.pk}/").status_code == team_status
        org = roles.team.organisation.pk
        assert client.get(f"/reports/organisations/{org}/").status_code == org_status


def test_themes_tagged_on_reviews_are_counted_and_lead_to_the_narrative(
    manager, roles, build, actor_as
):
    from themes.models import Theme

    transport = Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    family = Theme.objects.create(organisation=roles.team.organisation, name="Family support")
    person = build.person("Iris Mackenzie")
    outcome = build.outcome(person, "Seeing people")
    services.review_add(
        actor=actor_as(roles.practitioner),
        outcome=outcome,
        reviewed_on=D(2025, 4, 1),
        point=outcome.scale.points.get(score=3),
        what_helped="Her daughter drives her",
        what_hindered="The bus stopped running",
        helped_themes=[family],
        hindered_themes=[transport],
    )
    themes = rows_of(manager.get(f"/reports/teams/{roles.team.pk}/export/themes.csv{PERIOD}"))
    assert sorted(themes[1:]) == [["Family support", "1", "0"], ["Transport", "0", "1"]]
    page = manager.get(f"/reports/teams/{roles.team.pk}/{PERIOD}").content.decode()
    narrative_url = f"/reports/teams/{roles.team.pk}/narrative/"
    period = PERIOD[1:].replace("&", "&amp;")
    assert (
        f'<a href="{narrative_url}?theme={family.pk}&amp;kind=helped&amp;{period}">helped in 1</a>'
        in page
    )
    assert (
        f'<a href="{narrative_url}?theme={transport.pk}&amp;kind=hindered&amp;{period}">'
        "got in the way in 1</a>" in page
    )
    narrative = manager.get(
        f"/reports/teams/{roles.team.pk}/narrative/{PERIOD}&theme={transport.pk}&kind=hindered"
    ).content.decode()
    assert "The bus stopped running" in narrative
    other = Theme.objects.create(organisation=roles.team.organisation, name="Housing")
    empty = manager.get(
        f"/reports/teams/{roles.team.pk}/narrative/{PERIOD}&theme={other.pk}&kind=helped"
    ).content.decode()
    assert "No reviews behind this figure" in empty


def test_the_trend_adds_up_each_quarter_from_all_three_of_its_months(manager, roles, build):
    iris = build.person("Iris Mackenzie")
    tam = build.person("Tam Baird")
    # Jan to Mar 2025: a rating in each month (the first of each outcome, then one after).
    build.outcome(iris, "Seeing people", [(D(2025, 1, 6), 2), (D(2025, 3, 28), 5)])
    build.outcome(tam, "Feeling safe", [(D(2025, 2, 14), 1), (D(2025, 4, 1), 3)])

    trend = rows_of(
        manager.get(
            f"/reports/teams/{roles.team.pk}/export/trend.csv"
            "?period=custom&start=2025-04-01&end=2025-06-30"
        )
    )
    by_quarter = {row[0]: row for row in trend[1:]}
    # Quarter, ratings given, achieved, average change, outcomes recorded, reviews recorded.
    assert by_quarter["Jan to Mar 2025"][1:3] == ["3", "33%"]
    assert by_quarter["Jan to Mar 2025"][3] == "3.00"  # Iris: 2 then 5
    assert by_quarter["Apr to Jun 2025"][1:4] == ["1", "0%", "2.00"]  # Tam: 1 then 3
    assert by_quarter["Oct to Dec 2024"][1] == "0"
    assert len(by_quarter) == 8
