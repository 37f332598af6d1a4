"""Trends: a manager reads a figure over the last eight quarters, as a chart and a table."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import OrganisationRole
from tests.browser.harness import assert_accessible, sign_in
from tests.browser.test_report_journeys import rated  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_manager_reads_the_last_eight_quarters_on_the_dashboard_and_the_report(
    page: Page,
    live_server,
    roles,
    rated,  # noqa: F811
):
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    sign_in(page, live_server, roles.manager)
    page.goto(f"{live_server.url}/reports/teams/{roles.team.pk}/?period=last_12_months")
    trend = page.get_by_role("table", name="The last eight quarters")
    expect(trend).to_be_visible()
    # Eight quarters, oldest first, the last one still running.
    quarters = trend.locator("tbody th").all_inner_texts()
    assert len(quarters) == 8 and quarters[-1].endswith("(so far)")
    # The team's own figures are exact: three ratings in the last 12 months.
    ratings = [int(c) for c in trend.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert sum(ratings) == 3
    # Each chart says what it shows and that the table holds the same figures.
    chart = page.get_by_role("img", name=re.compile("^Ratings given, quarter by quarter"))
    expect(chart).to_be_visible()
    # ...and says it where everyone can read it. (No rating was achieved: no share chart.)
    expect(page.locator("figure.report-trend figcaption")).to_have_text(
        [
            "Ratings given, quarter by quarter",
            "Outcomes recorded, quarter by quarter",
            "Reviews recorded, quarter by quarter",
        ]
    )
    assert "The same figures are in the table" in chart.get_attribute("aria-label")
    assert_accessible(page)

    page.goto(
        f"{live_server.url}/reports/organisations/{roles.team.organisation.pk}/"
        "?period=last_12_months"
    )
    trend = page.get_by_role("table", name="The last eight quarters")
    expect(trend).to_be_visible()
    # Perturbed at organisation level: a count from 1 to 4 is never shown.
    cells = trend.locator("tbody td").all_inner_texts()
    assert not {"1", "2", "3", "4"} & set(cells)
    assert_accessible(page)
