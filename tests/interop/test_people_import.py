"""Importing people and caseloads from a file: the check, the import, matching and bad files."""

import datetime
import io

import pytest
from django.db.models import Model
from openpyxl import Workbook

from audit.models import AuditEvent
from common.actor import Actor
from interop.services import ImportRefused, people_import, people_import_check
from records import services as records_services
from records.models import CaseloadEntry, KeyPerson, Person
from reports import tallies
from reports.models import TALLY_MODELS
from tests.factories import CaseloadEntryFactory, OrganisationFactory, TeamFactory

HEADER = (
    "full_name,preferred_name,date_of_birth,chi_number,teams,key_people,"
    "ways_of_communicating,communication_needs"
)
# Valid CHI numbers (date of birth, then the check digit), fictional people.
AGNES_CHI = "1403482314"
CALLUM_CHI = "0211611239"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def system():
    return Actor.system()


@pytest.fixture
def organisation(roles):
    return roles.team.organisation


def check(organisation, content, actor=None):
    return people_import_check(
        actor=actor or Actor.system(), organisation=organisation, content=content
    )


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


def test_a_good_file_imports_people_with_caseloads_key_people_and_ways_of_communicating(
    roles, organisation, system
):
    content = csv_file(
        f"Agnes Example,Nessie,1948-03-14,{AGNES_CHI},Hillside Team,"
        "Mary Example (daughter); Tom Neighbour (neighbour),verbal; life_story,Hears on her left",
        "Callum Sample,,02/11/1961,,Hillside Team; Shoreline Team,,,",
    )
    plan = people_import(actor=system, organisation=organisation, content=content)
    assert (plan.added, plan.updated, plan.unchanged) == (2, 0, 0)
    agnes = Person.objects.get(chi_number=AGNES_CHI)
    assert (agnes.full_name, agnes.preferred_name) == ("Agnes Example", "Nessie")
    assert agnes.date_of_birth == datetime.date(1948, 3, 14)
    assert agnes.engagement_channels == ["verbal", "life_story"]
    assert agnes.communication_needs == "Hears on her left"
    assert sorted(agnes.key_people.values_list("name", "relationship")) == [
        ("Mary Example", "daughter"),
        ("Tom Neighbour", "neighbour"),
    ]
    callum = Person.objects.get(full_name="Callum Sample")
    assert callum.date_of_birth == datetime.date(1961, 11, 2)
    assert set(callum.teams.values_list("name", flat=True)) == {"Hillside Team", "Shoreline Team"}
    # Imported people are on the practitioner's caseload like anyone added by hand.
    assert records_services.people_for_user(roles.practitioner).filter(pk=agnes.pk).exists()


def test_the_import_is_one_audit_event_with_the_counts(organisation, system):
    before = AuditEvent.objects.count()
    people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,,,"),
    )
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("people_import", "accounts.organisation", str(organisation.pk))
    ]
    assert events[0].changes["added"] == [None, 1]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (",,1948-03-14,,Hillside Team,,,", "full_name", "full name is missing"),
        ("Agnes,,1948-02-30,,Hillside Team,,,", "date_of_birth", "is not a date"),
        ("Agnes,,2199-01-01,,Hillside Team,,,", "date_of_birth", "cannot be in the future"),
        ("Agnes,,1948-03-14,1403482315,Hillside Team,,,", "chi_number", "last digit"),
        ("Agnes,,1948-03-14,12345,Hillside Team,,,", "chi_number", "10 digits"),
        (f"Agnes,,1950-03-14,{AGNES_CHI},Hillside Team,,,", "chi_number", "date of birth"),
        ("Agnes,,1948-03-14,,Nowhere Team,,,", "teams", "no team called “Nowhere Team”"),
        ("Agnes,,1948-03-14,,,,,", "teams", "at least one team"),
        ("Agnes,,1948-03-14,,Hillside Team,Mary,,", "key_people", "in brackets"),
        ("Agnes,,1948-03-14,,Hillside Team,,singing,", "ways_of_communicating", "“singing”"),
    ],
)
def test_the_check_names_the_row_column_and_problem(organisation, row, column, words):
    plan = check(organisation, csv_file("Callum Sample,,1961-11-02,,Hillside Team,,,", row))
    assert len(plan.problems) == 1, problems(plan)
    (problem,) = plan.problems
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.message


def test_a_chi_number_twice_in_the_file_is_a_problem_on_the_second_row(organisation):
    plan = check(
        organisation,
        csv_file(
            f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,,,",
            f"Agnes Other,,1948-03-14,{AGNES_CHI},Hillside Team,,,",
        ),
    )
    assert problems(plan) == ["Row 3, chi_number: Row 2 has the same CHI number."]


def test_two_records_in_the_organisation_with_the_chi_number_is_a_problem(roles, organisation):
    for team in (roles.team, roles.other_team):
        CaseloadEntryFactory(team=team, person__chi_number=AGNES_CHI, person__full_name="A")
    plan = check(organisation, csv_file(f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,,,"))
    assert len(plan.problems) == 1
    assert "2 records in the organisation already have this CHI number" in str(plan.problems[0])


def test_nothing_is_written_while_any_problem_remains(organisation, system):
    people = Person.objects.count()
    events = AuditEvent.objects.count()
    content = csv_file(
        f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,,,",
        "Callum Sample,,1961-11-02,,Nowhere Team,,,",
    )
    with pytest.raises(ImportRefused) as refused:
        people_import(actor=system, organisation=organisation, content=content)
    assert [p.row for p in refused.value.plan.problems] == [3]
    assert Person.objects.count() == people
    assert AuditEvent.objects.count() == events


def test_the_check_says_what_each_row_would_do_and_writes_no_record(roles, organisation):
    CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Agnes Example",
        person__chi_number=AGNES_CHI,
        person__date_of_birth=datetime.date(1948, 3, 14),
    )
    people = Person.objects.count()
    plan = check(
        organisation,
        csv_file(
            f"Agnes Example,,1948-03-14,{AGNES_CHI},Shoreline Team,,,",
            "Callum Sample,,1961-11-02,,Hillside Team,,,",
        ),
    )
    assert [(r.row, r.action, r.changes) for r in plan.rows] == [
        (2, "update", ["teams"]),
        (3, "add", []),
    ]
    assert Person.objects.count() == people
    assert AuditEvent.objects.filter(action="people_import_checked").count() == 1


def test_importing_the_same_file_again_changes_nothing(organisation, system):
    content = csv_file(
        f"Agnes Example,Nessie,1948-03-14,{AGNES_CHI},Hillside Team,"
        "Mary Example (daughter),verbal,Hears on her left",
        "Callum Sample,,02/11/1961,,Hillside Team; Shoreline Team,,,",
    )
    people_import(actor=system, organisation=organisation, content=content)
    snapshot = (
        list(Person.objects.order_by("pk").values()),
        list(CaseloadEntry.objects.order_by("pk").values()),
        list(KeyPerson.objects.order_by("pk").values()),
    )
    again = people_import(actor=system, organisation=organisation, content=content)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot == (
        list(Person.objects.order_by("pk").values()),
        list(CaseloadEntry.objects.order_by("pk").values()),
        list(KeyPerson.objects.order_by("pk").values()),
    )


def test_an_update_file_changes_details_caseloads_and_key_people(roles, organisation, system):
    people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(
            f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,Mary Example (daughter),,"
        ),
    )
    agnes = Person.objects.get(chi_number=AGNES_CHI)
    kept_key_person = agnes.key_people.get()
    plan = people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(
            f"Agnes Example,Nessie,1948-03-14,{AGNES_CHI},Shoreline Team,"
            "Mary Example (daughter); Tom Neighbour (neighbour),,"
        ),
    )
    assert [(r.action, r.changes) for r in plan.rows] == [
        ("update", ["preferred name", "teams", "key people"])
    ]
    agnes.refresh_from_db()
    assert agnes.preferred_name == "Nessie"
    assert agnes.version == 2
    assert list(agnes.teams.values_list("name", flat=True)) == ["Shoreline Team"]
    # A key person still in the file keeps their row (and what else was recorded of them).
    assert agnes.key_people.filter(pk=kept_key_person.pk).exists()
    assert agnes.key_people.count() == 2


def test_a_row_without_chi_matches_by_name_and_date_of_birth(roles, organisation, system):
    existing = CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Callum  Sample",
        person__date_of_birth=datetime.date(1961, 11, 2),
    ).person
    plan = people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(f"callum sample,,1961-11-02,{CALLUM_CHI},Hillside Team,,,"),
    )
    assert [(r.action, r.person_id) for r in plan.rows] == [("update", existing.pk)]
    existing.refresh_from_db()
    assert (existing.full_name, existing.chi_number) == ("callum sample", CALLUM_CHI)


def test_a_blank_chi_cell_never_removes_a_recorded_number(roles, organisation, system):
    CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Agnes Example",
        person__chi_number=AGNES_CHI,
        person__date_of_birth=datetime.date(1948, 3, 14),
    )
    plan = people_import(
        actor=system,
        organisation=organisation,
        content=csv_file("Agnes Example,,1948-03-14,,Hillside Team,,,"),
    )
    assert plan.unchanged == 1
    assert Person.objects.filter(chi_number=AGNES_CHI).count() == 1


def test_another_organisations_record_of_the_same_person_is_left_alone(organisation, system):
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Elsewhere"), name="Far Team")
    theirs = CaseloadEntryFactory(
        team=elsewhere, person__chi_number=AGNES_CHI, person__full_name="Agnes Elsewhere"
    ).person
    plan = people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(f"Agnes Example,,1948-03-14,{AGNES_CHI},Hillside Team,,,"),
    )
    assert plan.added == 1
    theirs.refresh_from_db()
    assert theirs.full_name == "Agnes Elsewhere"
    assert list(theirs.teams.all()) == [elsewhere]


def test_a_closed_record_is_not_changed_by_import(roles, organisation, system):
    CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Agnes Example",
        person__chi_number=AGNES_CHI,
        person__closed_on=datetime.date(2024, 1, 1),
        person__closed_reason="Moved away",
    )
    plan = check(organisation, csv_file(f"Agnes Example,,1948-03-14,{AGNES_CHI},Shoreline Team,,,"))
    assert "record is closed" in problems(plan)[0]


def tally_rows() -> dict:
    def rows(model: type[Model]) -> list:
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        return sorted(model.objects.values_list(*fields))

    return {model.__name__: rows(model) for model in TALLY_MODELS}


def test_moving_people_with_outcomes_keeps_the_report_tallies_right(
    roles, organisation, frameworks, actor_as, system
):
    person = CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Agnes Example",
        person__chi_number=AGNES_CHI,
        person__date_of_birth=datetime.date(1948, 3, 14),
    ).person
    records_services.outcome_record(
        actor=actor_as(roles.practitioner), person=person, what_matters="To see my friends"
    )
    people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(f"Agnes Example,,1948-03-14,{AGNES_CHI},Shoreline Team,,,"),
    )
    kept = tally_rows()
    assert any(kept.values())
    tallies.rebuild()
    assert tally_rows() == kept


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_imports_with_dates_and_numbers_as_cells(organisation, system):
    content = workbook(
        [
            ["Full name", "Date of birth", "CHI number", "Teams"],
            ["Agnes Example", datetime.datetime(1948, 3, 14), int(AGNES_CHI), "Hillside Team"],
        ]
    )
    plan = people_import(actor=system, organisation=organisation, content=content)
    assert plan.added == 1
    assert Person.objects.get(chi_number=AGNES_CHI).date_of_birth == datetime.date(1948, 3, 14)


BAD_FILES = {
    "wrong encoding": (
        "full_name,teams\nAgnès Example,Hillside Team\n".encode("latin-1"),
        "not in the UTF-8 encoding",
    ),
    "formula": (
        workbook([["full_name", "teams"], ['=CONCAT("A","B")', "Hillside Team"]]),
        "Row 2, column 1 holds a formula",
    ),
    "binary renamed .csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "holds binary data"),
    "missing header": (
        b"Agnes Example,Hillside Team\n",
        "The first row must be the header",
    ),
    "unknown column": (b"full_name,teams,shoe_size\n", "does not know: “shoe_size”"),
    "empty": (b"", "The file is empty"),
    "broken workbook": (b"PK\x03\x04 not really a workbook", "could not be read as an Excel"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_gets_one_clear_message(organisation, system, kind):
    content, words = BAD_FILES[kind]
    plan = check(organisation, content)
    assert len(plan.problems) == 1, problems(plan)
    assert words in plan.problems[0].message
    with pytest.raises(ImportRefused):
        people_import(actor=system, organisation=organisation, content=content)


def test_the_chi_numbers_used_here_are_valid():
    from records.chi import chi_problem

    assert chi_problem(AGNES_CHI) is None
    assert chi_problem(CALLUM_CHI) is None


def test_a_file_of_too_many_rows_is_refused_whole(organisation, system, monkeypatch):
    import interop.people_file

    monkeypatch.setattr(interop.people_file, "MAX_ROWS", 2)
    rows = [f"Person {n},,,,Hillside Team,,," for n in range(3)]
    plan = check(organisation, csv_file(*rows))
    assert problems(plan) == [
        "The file has more than 2 rows of people. Split it into smaller files."
    ]
    assert plan.rows == []


def test_a_row_without_a_date_of_birth_column_matches_only_records_without_one(roles, organisation):
    CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Agnes Example",
        person__date_of_birth=datetime.date(1950, 1, 1),
    )
    undated = CaseloadEntryFactory(team=roles.team, person__full_name="Callum Sample").person
    plan = check(
        organisation,
        csv_file(
            f"Agnes Example,{AGNES_CHI},Hillside Team",
            f"Callum Sample,{CALLUM_CHI},Hillside Team",
            header="full_name,chi_number,teams",
        ),
    )
    assert plan.problems == []
    assert [(r.action, r.person_id, r.changes) for r in plan.rows] == [
        ("add", None, []),
        ("update", undated.pk, ["CHI number"]),
    ]


# Odd files a spreadsheet or another system may give ---------------------------------


def read_as(organisation, content):
    plan = check(organisation, content)
    assert plan.problems == [], problems(plan)
    return plan


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            "full_name,teams\nAgnès Example,Hillside Team\n".encode("utf-16"), id="utf-16"
        ),
        pytest.param(
            "full_name\tteams\nAgnès Example\tHillside Team\n".encode("utf-16"),
            id="utf-16 tab-separated (Excel's Unicode text)",
        ),
        pytest.param(
            "\ufefffull_name;teams;key_people\nAgnès Example;Hillside Team;"
            '"Mary Example (daughter); Tom Neighbour (neighbour)"\n'.encode(),
            id="semicolon-separated with a byte order mark",
        ),
        pytest.param(
            "Full\u00a0Name, TEAMS \nAgnès Example,Hillside Team\n".encode(), id="header words"
        ),
    ],
)
def test_files_saved_by_other_spreadsheet_settings_read_the_same(organisation, content):
    plan = read_as(organisation, content)
    assert [(r.name, r.action) for r in plan.rows] == [("Agnès Example", "add")]


def test_a_header_with_no_people_under_it_is_refused_not_ready_to_import(organisation):
    for content in (csv_file(), csv_file("", ",,,,,,,"), workbook([["full_name", "teams"]])):
        plan = check(organisation, content)
        assert problems(plan) == ["The file has a header row but no people under it."]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ('"=HYPERLINK(""http://x.example"",""Agnes"")",,,,Hillside Team,,,', "full_name", "“=”"),
        ("+Agnes,,,,Hillside Team,,,", "full_name", "“+”"),
        ("-Agnes,,,,Hillside Team,,,", "full_name", "“-”"),
        ("Agnes,@Nessie,,,Hillside Team,,,", "preferred_name", "“@”"),
        ("Agnes,,,,Hillside Team,=cmd|' /C calc'!A0 (daughter),,", "key_people", "“=”"),
        ("Agnes,,,,Hillside Team,,,=1+1", "communication_needs", "“=”"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_a_problem(organisation, row, column, words):
    plan = check(organisation, csv_file(row))
    assert [(p.row, p.column) for p in plan.problems] == [(2, column)], problems(plan)
    assert words in plan.problems[0].message
    assert "formula" in plan.problems[0].message


def test_free_text_may_start_with_a_dash(organisation):
    read_as(organisation, csv_file("Agnes,,,,Hillside Team,,,- hears on her left"))


def test_a_nul_or_a_line_break_in_a_name_is_a_problem_never_a_server_error(organisation, system):
    rows = [f"Person {n},,,,Hillside Team,,," for n in range(3)]
    content = csv_file(
        *rows, "Ag\x00nes,,,,Hillside Team,,,", '"Agnes\nExample",,,,Hillside Team,,,'
    )
    # The NUL well past the start, where a binary file would be noticed.
    content = content.replace(b"Person 0,", b"Person 0" + b" " * 70000 + b",")
    plan = check(organisation, content)
    assert [(p.row, p.column) for p in plan.problems] == [(5, "full_name"), (6, "full_name")]
    assert "control character (U+0000)" in plan.problems[0].message
    assert "on one line" in plan.problems[1].message
    with pytest.raises(ImportRefused):
        people_import(actor=system, organisation=organisation, content=content)


def test_a_key_person_too_long_for_the_record_is_a_problem(organisation, system):
    content = csv_file(f"Agnes,,,,Hillside Team,Mary ({'x' * 101}),,")
    plan = check(organisation, content)
    assert problems(plan) == [
        "Row 2, key_people: A key person's relationship is longer than 100 characters."
    ]


def test_chi_numbers_with_spaces_or_dashes_or_from_a_number_cell_are_read(organisation):
    plan = read_as(
        organisation,
        csv_file("Agnes Example,,,140 348-2314,Hillside Team,,,"),
    )
    assert plan.added == 1
    # A number cell drops the leading 0 of someone born on the 1st to the 9th.
    content = workbook(
        [["full_name", "chi_number", "teams"], ["Callum", 211611239, "Hillside Team"]]
    )
    people_import(actor=Actor.system(), organisation=organisation, content=content)
    assert Person.objects.filter(chi_number=CALLUM_CHI).exists()


def test_a_date_of_birth_as_a_number_cell_says_to_format_the_column(organisation):
    content = workbook([["full_name", "date_of_birth", "teams"], ["Agnes", 17606, "Hillside Team"]])
    (problem,) = check(organisation, content).problems
    assert (problem.row, problem.column) == (2, "date_of_birth")
    assert "“17606” is a number, not a date" in problem.message


def workbook_with(replace: dict, drop: tuple = ()) -> bytes:
    """A good workbook with some of its parts changed or left out."""
    import zipfile

    good = workbook([["full_name", "teams"], ["Agnes Example", "Hillside Team"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in drop:
                data = source.read(info.filename)
                archive.writestr(info.filename, replace.get(info.filename, lambda d: d)(data))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
AGNES_CELL = b'<c r="A2" t="inlineStr"><is><t>Agnes Example</t></is></c>'

DAMAGED_WORKBOOKS = {
    "sheet cut short": ({SHEET: lambda d: d[: len(d) // 2]}, ()),
    "a shared string that is not there": (
        {SHEET: lambda d: d.replace(AGNES_CELL, b'<c r="A2" t="s"><v>99</v></c>')},
        (),
    ),
    "a number that is not one": (
        {SHEET: lambda d: d.replace(AGNES_CELL, b'<c r="A2" t="n"><v>abc</v></c>')},
        (),
    ),
    "a NUL in the sheet": ({SHEET: lambda d: d.replace(b"Agnes", b"Ag&#0;nes")}, ()),
    "styles cut short": ({"xl/styles.xml": lambda d: d[:50]}, ()),
    "content types cut short": ({"[Content_Types].xml": lambda d: d[:30]}, ()),
}


@pytest.mark.parametrize("kind", DAMAGED_WORKBOOKS)
def test_a_damaged_workbook_gets_a_message_never_a_server_error(organisation, kind):
    replace, drop = DAMAGED_WORKBOOKS[kind]
    plan = check(organisation, workbook_with(replace, drop))
    assert len(plan.problems) == 1, problems(plan)
    assert "could not be read as an Excel workbook" in plan.problems[0].message


def test_a_workbook_with_no_sheet_gets_a_message(organisation):
    import re

    content = workbook_with(
        {"xl/workbook.xml": lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d)}
    )
    assert problems(check(organisation, content)) == ["This workbook has no sheet of people in it."]


def test_a_small_workbook_that_unpacks_to_too_much_is_refused_before_reading(
    organisation, monkeypatch
):
    import interop.people_file

    monkeypatch.setattr(interop.people_file, "MAX_UNPACKED_BYTES", 1_000_000)
    content = workbook_with(
        {SHEET: lambda d: d.replace(b"<t>Agnes Example</t>", b"<t>" + b"A" * 2_000_000 + b"</t>")}
    )
    assert len(content) < 50_000
    assert problems(check(organisation, content)) == [
        "This workbook unpacks to more than 0 MB. Save it as “CSV UTF-8”, or split it into "
        "smaller files."
    ]


def test_a_workbook_that_claims_a_million_columns_is_read_no_wider_than_its_header(
    organisation,
):
    content = workbook_with(
        {
            SHEET: lambda d: d.replace(
                b'<dimension ref="A1:B2" />', b'<dimension ref="A1:XFD1048576" />'
            )
        }
    )
    assert b"XFD1048576" in zipfile_part(content, SHEET)
    plan = read_as(organisation, content)
    assert plan.added == 1


def test_a_workbook_whose_stated_size_is_too_small_still_has_every_row_read(organisation):
    content = workbook(
        [["full_name", "teams"], ["Agnes Example", "Hillside Team"], ["Callum", "Hillside Team"]]
    )
    content = workbook_with_parts(content, {SHEET: lambda d: d.replace(b"A1:B3", b"A1:A1")})
    plan = read_as(organisation, content)
    assert plan.added == 2


def zipfile_part(content: bytes, name: str) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(content)).read(name)


def workbook_with_parts(content: bytes, replace: dict) -> bytes:
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info.filename, replace.get(info.filename, lambda d: d)(data))
    return out.getvalue()


def test_a_team_named_twice_but_for_capitals_must_be_spelt_exactly(roles, organisation):
    TeamFactory(organisation=organisation, name="HILLSIDE TEAM")
    plan = check(organisation, csv_file("Agnes,,,,hillside team,,,", "Callum,,,,Hillside Team,,,"))
    assert [(p.row, p.column) for p in plan.problems] == [(2, "teams")]
    assert "could be any of “HILLSIDE TEAM”, “Hillside Team”" in plan.problems[0].message
    assert [r.name for r in plan.rows] == ["Callum"]


def test_an_unclosed_quotation_mark_is_found_by_the_line_it_starts_on(organisation):
    rows = [f"Person {n},,,,Hillside Team,,," for n in range(5)]
    content = csv_file(*rows[:2], '"Callum Sample,,,,Hillside Team,,,', *rows[2:])
    (problem,) = check(organisation, content).problems
    assert problem.message.startswith("The file cannot be read as CSV from line 4 on")
    assert "quotation mark" in problem.message


def test_empty_formatted_rows_after_the_people_do_not_count_against_the_limit(
    organisation, monkeypatch
):
    import interop.people_file

    monkeypatch.setattr(interop.people_file, "MAX_ROWS", 2)
    empty_rows = b"".join(b'<row r="%d" s="1" customFormat="1" />' % n for n in range(3, 2000))
    content = workbook_with(
        {SHEET: lambda d: d.replace(b"</sheetData>", empty_rows + b"</sheetData>")}
    )
    plan = read_as(organisation, content)
    assert plan.added == 1


def test_a_row_numbered_past_what_a_spreadsheet_holds_is_refused(organisation):
    content = workbook_with(
        {
            SHEET: lambda d: (
                d.replace(b'<row r="2">', b'<row r="1048577">')
                .replace(b'r="A2"', b'r="A1048577"')
                .replace(b'r="B2"', b'r="B1048577"')
            )
        }
    )
    (problem,) = check(organisation, content).problems
    assert "more than 1,048,576 rows" in problem.message


def test_a_team_or_key_person_named_twice_in_a_row_is_imported_once(organisation, system):
    plan = people_import(
        actor=system,
        organisation=organisation,
        content=csv_file(
            "Agnes Example,,,,Hillside Team; hillside team,"
            "Mary Example (daughter); Mary Example (daughter),,"
        ),
    )
    assert (plan.added, plan.problems) == (1, [])
    agnes = Person.objects.get(full_name="Agnes Example")
    assert list(agnes.teams.values_list("name", flat=True)) == ["Hillside Team"]
    assert list(agnes.key_people.values_list("name", flat=True)) == ["Mary Example"]


def test_a_date_of_birth_written_as_a_spreadsheet_number_in_a_csv_says_so_too(organisation):
    (problem,) = check(organisation, csv_file("Agnes,,17606,,Hillside Team,,,")).problems
    assert "“17606” is a number, not a date" in problem.message
