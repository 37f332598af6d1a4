"""Downloads carry their meaning: every CSV and Excel file says whose figures they are,
for which period and filters, when they were made, how they were counted and how
small counts are protected; Excel holds numbers as numbers; the PDFs hold what the
page shows and fit the page."""

import csv
import io
import re

import openpyxl
import pytest
import weasyprint
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.models import OrganisationRole
from audit.models import AuditEvent
from common import pdf
from reports.wording import disclosure_method
from tests.reports.conftest import PERIOD, D


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def workbook_of(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def about_of(rows) -> dict:
    """The label-and-value rows before the first empty row."""
    return dict(row for row in rows[: rows.index([])])


@pytest.fixture
def commissioner(client, roles):
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    client.force_login(roles.manager)
    return client


@pytest.fixture
def rated(build):
    """Seven outcomes of "Seeing people" rated twice, six achieved, one not; one "Feeling
    safe" rated once."""
    for i in range(7):
        person = build.person(f"Person {i}")
        score = 5 if i < 6 else 1
        build.outcome(
            person,
            "Seeing people",
            [(D(2025, 2, 1), 2), (D(2025, 6, 1), score, f"Went to the lunch club, week {i}")],
        )
    build.outcome(build.person("Tam Baird"), "Feeling safe", [(D(2025, 5, 1), 3)])


def test_a_csv_says_what_it_is_before_the_table(commissioner, roles, rated):
    organisation = roles.team.organisation
    url = f"/reports/organisations/{organisation.pk}/export/bands.csv{PERIOD}&team={roles.team.pk}"
    rows = csv_rows(commissioner.get(url))

    about = about_of(rows)
    assert about["About this file"] == f"Organisation report: {organisation.name}"
    assert about["Period"] == "1 Jan 2025 to 31 Dec 2025"
    assert about["Filters"] == f"Team: {roles.team.name}"
    assert about["Generated"]
    assert about["How it was counted"].startswith("People counted: everyone on the organisation")
    assert "Every point belongs to one of three bands" in about["How it was counted"]
    assert about["Disclosure control"] == disclosure_method()
    # Then the table, as before, after one empty row.
    assert rows[rows.index([]) + 1] == ["Band", "Ratings", "Share"]


def test_a_team_csv_says_no_disclosure_control_was_applied(client, roles, rated):
    client.force_login(roles.manager)
    rows = csv_rows(client.get(f"/reports/teams/{roles.team.pk}/export/distance.csv{PERIOD}"))
    about = about_of(rows)
    assert about["About this file"] == (
        f"Team dashboard: {roles.team.name} ({roles.team.organisation.name})"
    )
    assert about["Filters"] == "None: everyone on the team's caseload"
    assert about["Disclosure control"].startswith("None: a team dashboard shows")
    # The table's note (the mean) travels with it.
    assert about["Note on distance travelled"].startswith("Average change since the first rating")


def test_excel_opens_with_an_about_sheet_and_holds_numbers_as_numbers(client, roles, rated):
    client.force_login(roles.manager)
    base = f"/reports/teams/{roles.team.pk}/export/framework_outcomes"
    workbook = workbook_of(client.get(f"{base}.xlsx{PERIOD}"))
    as_text = csv_rows(client.get(f"{base}.csv{PERIOD}"))
    as_text = as_text[as_text.index([]) + 1 :]

    assert workbook.sheetnames == ["About", "By framework outcome"]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Period"] == "1 Jan 2025 to 31 Dec 2025"
    assert about["How it was counted"].startswith("People counted:")

    sheet = workbook["By framework outcome"]
    assert [c.value for c in sheet[1]] == as_text[0]
    header = as_text[0]
    rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    texts = {row[0]: dict(zip(header, row, strict=True)) for row in as_text[1:]}
    seeing, seeing_text = rows["Seeing people"], texts["Seeing people"]
    # The same figures as the CSV (and the page), as numbers with formats.
    assert seeing["Achieved"].value == int(seeing_text["Achieved"]) == 6
    share = seeing["Achieved share"]
    assert share.value == pytest.approx(int(seeing_text["Achieved share"].rstrip("%")) / 100)
    assert share.number_format == "0.0%"
    mean = seeing["Mean distance travelled"]
    assert mean.value == pytest.approx(float(seeing_text["Mean distance travelled"]))
    assert mean.number_format == "0.00"
    # Rated once: no distance, so no mean: an empty cell, not a dash.
    assert texts["Feeling safe"]["Mean distance travelled"] == "\u2013"
    assert rows["Feeling safe"]["Mean distance travelled"].value is None
    # Columns are as wide as their longest entry.
    assert sheet.column_dimensions["A"].width >= len("Framework outcome")
    assert sheet.column_dimensions["C"].width >= len("Outcomes worked on")


def test_the_organisation_workbook_shows_the_figures_the_page_shows(commissioner, roles, rated):
    organisation = roles.team.organisation
    url = f"/reports/organisations/{organisation.pk}/export/bands.xlsx{PERIOD}"
    sheet = workbook_of(commissioner.get(url)).worksheets[1]
    page = commissioner.get(f"/reports/organisations/{organisation.pk}/{PERIOD}").content.decode()
    for band, count, share in sheet.iter_rows(min_row=2, values_only=True):
        assert isinstance(count, int) and isinstance(share, int | float)
        assert f'<th scope="row">{band}</th><td>{count}</td><td>{share:.0%}</td>' in page


def test_the_whole_report_is_one_workbook_with_a_sheet_per_table(commissioner, roles, rated):
    organisation = roles.team.organisation
    response = commissioner.get(
        f"/reports/organisations/{organisation.pk}/export/report.xlsx{PERIOD}"
    )
    assert response.status_code == 200
    workbook = workbook_of(response)
    assert workbook.sheetnames == [
        "About",
        "By framework outcome",
        "Ratings given, by band",
        "Distance travelled",
        "Recording quality",
        "This period compared with the p",
        "Outcomes worked on, by team and",
        "What helps and what hinders",
        "The last eight quarters",
    ]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Filters"] == "None: every team, framework and age"
    event = AuditEvent.objects.get(action="export")
    assert event.summary == "Exported report as xlsx"
    # One CSV holds one table: there is no whole-report CSV.
    missing = commissioner.get(f"/reports/organisations/{organisation.pk}/export/report.csv")
    assert missing.status_code == 404


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF download was made from, and the laid-out pages."""
    made = []
    real = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        made.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    return made


def pages_of(html: str):
    return weasyprint.HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf._local_static
    ).render()


def boxes(box):
    """A laid-out box and every box inside it."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def overflowing(document) -> list[str]:
    """Boxes that reach past the right edge of their page's content area."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for child in page_box.children:
            for box in boxes(child):
                reach = box.position_x + box.margin_width()
                if reach > right + 0.5:
                    found.append(
                        f"page {number}: <{box.element_tag}> {getattr(box, 'text', '')!r} "
                        f"reaches {reach:.0f} of {right:.0f}"
                    )
    return found


def page_text(document) -> str:
    return " ".join(
        box.text for page in document.pages for box in boxes(page._page_box) if hasattr(box, "text")
    )


def test_the_team_pdf_holds_the_narrative_and_fits_the_page(client, roles, build, pdf_html):
    client.force_login(roles.manager)
    person = build.person("Iris Mackenzie")
    build.outcome(
        person,
        "Seeing people",
        [(D(2025, 2, 1), 2), (D(2025, 6, 1), 4, "Back at the lunch club", "Her daughter drove")],
    )
    response = client.get(f"/reports/teams/{roles.team.pk}/dashboard.pdf{PERIOD}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")

    document = pages_of(pdf_html[0])
    text = page_text(document)
    assert "Why: the narrative behind the figures" in text
    assert "Back at the lunch club" in text
    assert "What helped:" in text and "Her daughter drove" in text
    assert not (wide := overflowing(document)), "\n".join(wide)
    # Who was read about is in the audit trail.
    assert AuditEvent.objects.filter(
        person_id=person.pk,
        action="view",
        summary="Viewed review narrative from a team dashboard PDF",
    ).exists()


def test_the_organisation_report_pdf_is_audited_and_fits_the_page(
    commissioner, roles, rated, pdf_html
):
    organisation = roles.team.organisation
    response = commissioner.get(f"/reports/organisations/{organisation.pk}/report.pdf{PERIOD}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="export")
    assert event.object_type == "reports.organisation_report"
    assert event.object_id == str(organisation.pk)
    assert event.summary == "Exported report as pdf"

    document = pages_of(pdf_html[0])
    text = page_text(document)
    assert "Organisation report, 1 Jan 2025 to 31 Dec 2025" in text
    assert "By framework outcome" in text and "Seeing people" in text
    assert "Over the last eight quarters" in text
    assert disclosure_method()[:40] in text
    assert not (wide := overflowing(document)), "\n".join(wide)
    # Nobody is named in an organisation report.
    assert "Person 1" not in text and "Tam Baird" not in text


def test_a_report_filter_error_is_worded_for_a_report(commissioner, roles):
    organisation = roles.team.organisation
    for url in (
        f"/reports/organisations/{organisation.pk}/?period=custom&start=2025-05-01&end=2025-01-01",
        f"/reports/teams/{roles.team.pk}/?period=custom&start=2025-05-01&end=2025-01-01",
    ):
        page = commissioner.get(url).content.decode()
        assert "The report could not use these choices" in page, url
        assert "Nothing has been saved" not in page
        assert "the figures below are for" in page


def test_the_drill_down_says_band_and_scale_point_apart(client, roles, build):
    """Finding: headed "Outcomes rated 'Partly achieved'" while its entries said "Mostly
    achieved", unexplained. Now the heading names the band and each entry its band."""
    client.force_login(roles.manager)
    outcome = build.outcome(
        build.person("Iris Mackenzie"), "Seeing people", [(D(2025, 6, 1), 4, "Back at the club")]
    )
    identity = outcome.framework_outcomes.get().identity
    page = client.get(
        f"/reports/teams/{roles.team.pk}/narrative/{PERIOD}&identity={identity}"
        "&band=partly_achieved"
    ).content.decode()
    assert "Ratings in the “Partly achieved” band" in page
    assert "Outcomes rated" not in page
    assert "<strong>Mostly achieved</strong> (in the “Partly achieved” band)" in page
    assert "The dashboard counts bands." in page


def test_how_it_was_counted_is_in_short_plain_sentences(client, roles):
    client.force_login(roles.manager)
    page = client.get(f"/reports/teams/{roles.team.pk}/{PERIOD}").content.decode()
    panel = page[page.index("How this was counted") :]
    panel = panel[: panel.index("</details>")]
    notes = re.findall(r"<li>(.*?)</li>", panel, re.S)
    assert "People counted: everyone on the team&#x27;s caseload now" in notes[1]
    for jargon in ("rated in the period", "scale points", "<em>mattered</em>"):
        assert jargon not in panel
    # Short sentences: none longer than thirty words.
    sentences = [s for note in notes for s in re.split(r"(?<=\.) ", note)]
    assert max(len(s.split()) for s in sentences) <= 30, sentences


def test_the_team_pdf_costs_the_same_queries_for_many_reviews(client, roles, build, pdf_html):
    client.force_login(roles.manager)
    url = f"/reports/teams/{roles.team.pk}/dashboard.pdf{PERIOD}"

    def rate(n: int) -> None:
        for i in range(n):
            person = build.person(f"Person {i}")
            build.outcome(person, "Seeing people", [(D(2025, 6, 1), 3, f"Went well {i}")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    rate(2)
    few = queries()
    assert "the latest 50 reviews" not in pdf_html[-1]
    rate(58)
    assert queries() == few
    # Sixty reviews: the PDF holds the latest fifty, and says so.
    assert "newest first (the latest 50 reviews)" in pdf_html[-1]
    assert pdf_html[-1].count('class="narrative-entry"') == 50


def test_the_organisation_report_names_its_disclosure_method_and_one_term_for_ratings(
    commissioner, roles, rated
):
    page = commissioner.get(f"/reports/organisations/{roles.team.organisation.pk}/{PERIOD}")
    html = page.content.decode()
    method = escape(disclosure_method())
    assert f'<p id="disclosure-method">So that no one can be picked out: {method}</p>' in html
    assert "&lt;5" not in html  # the old suppression's wording is gone
    # The chart and the table say the same thing in the same words.
    assert "Ratings given in the period, by band" in html
    assert "<caption>Ratings given, by band</caption>" in html
    assert "Latest rating of each outcome" not in html
