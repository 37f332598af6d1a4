"""Frameworks travel between partnerships as JSON files; a bad file imports nothing."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from frameworks.exchange import ImportRefused, framework_export, framework_import
from frameworks.models import Framework, FrameworkCategory, FrameworkOutcome, RatingScale
from frameworks.specs import framework_spec_of
from tests.frameworks.conftest import home_organisation


def adults() -> Framework:
    return Framework.objects.get(key="adults-community")


@pytest.fixture
def document(frameworks) -> dict:
    """The adults framework as exported, renamed so it can be imported alongside."""
    exported = framework_export(adults())
    exported["name"] = "Adults in Orkney"
    return exported


def as_file(document) -> bytes:
    return json.dumps(document).encode()


def table_counts() -> tuple:
    return (
        RatingScale.objects.count(),
        Framework.objects.count(),
        FrameworkCategory.objects.count(),
        FrameworkOutcome.objects.count(),
        AuditEvent.objects.count(),
    )


def refusal(content: bytes, actor) -> list[str]:
    before = table_counts()
    with pytest.raises(ImportRefused) as refused:
        framework_import(actor=actor, organisation=home_organisation(), content=content)
    assert table_counts() == before, "a refused import must create nothing"
    return [str(p) for p in refused.value.problems]


def test_an_exported_framework_imports_as_a_new_framework_with_the_same_content(
    document, admin_actor, roles
):
    imported = framework_import(
        actor=admin_actor, organisation=home_organisation(), content=as_file(document)
    )

    original = framework_spec_of(adults())
    copy_spec = framework_spec_of(imported)
    assert copy_spec.categories[0].name == original.categories[0].name
    assert [(o.short_name, o.description) for _, o in copy_spec.outcomes()] == [
        (o.short_name, o.description) for _, o in original.outcomes()
    ]
    assert imported.lineage != adults().lineage
    # The identical scale is reused rather than copied.
    assert imported.scale == adults().scale
    assert RatingScale.objects.count() == 1
    event = AuditEvent.objects.get(action="create", object_id=str(imported.pk))
    assert event.actor == roles.admin
    assert event.summary == "Framework imported from a file"


def test_the_export_names_the_format_and_marks_retired_outcomes(frameworks):
    FrameworkOutcome.objects.filter(short_name="Reliability").update(
        retired_at="2026-01-01T00:00:00Z"
    )
    document = framework_export(adults())
    assert (document["format"], document["format_version"]) == ("personal-outcomes-framework", 1)
    outcomes = {o["short_name"]: o for c in document["categories"] for o in c["outcomes"]}
    assert outcomes["Reliability"]["retired"] is True
    assert outcomes["Feeling safe"]["retired"] is False
    assert [p["score"] for p in document["scale"]["points"]] == [1, 2, 3, 4, 5]


def test_a_missing_short_name_is_reported_where_it_is(document, admin_actor):
    del document["categories"][2]["outcomes"][0]["short_name"]
    assert refusal(as_file(document), admin_actor) == [
        "categories[2].outcomes[0].short_name: this field is required"
    ]


def test_every_problem_is_reported_not_just_the_first(document, admin_actor):
    document["categories"][0]["kind"] = "wellbeing"
    document["categories"][1]["outcomes"][3]["retired"] = "no"
    document["scale"]["points"][0]["score"] = "one"
    document["audience"] = 7
    document["colour"] = "blue"
    assert refusal(as_file(document), admin_actor) == [
        "colour: is not a field this format knows",
        "audience: must be text, not a number",
        "categories[0].kind: must be one of quality_of_life, process, change, caring_role",
        "categories[1].outcomes[3].retired: must be true or false, not text",
        "scale.points[0].score: must be a whole number, not text",
    ]


def test_scale_rules_are_reported_at_their_place_in_the_file(document, admin_actor):
    document["scale"]["name"] = "Extent achieved (three bands)"
    document["scale"]["points"][4]["band"] = "not_achieved"
    document["scale"]["points"][1]["score"] = 1
    assert refusal(as_file(document), admin_actor) == [
        "scale.points[1].score: score 1 is already used by points[0]; each score may appear once",
        "scale.points[4].band: score 5 has a lower report band than score 4; "
        "bands must rise with the scores",
    ]


def test_a_file_that_is_not_json_is_reported_by_line_and_column(frameworks, admin_actor):
    content = b'{\n  "format": "personal-outcomes-framework",\n  "name": "x"\n  "audience": 1\n}'
    assert refusal(content, admin_actor) == [
        "line 4, column 3: this is not valid JSON: Expecting ',' delimiter"
    ]


def test_a_file_that_is_not_a_framework_is_refused(frameworks, admin_actor):
    problems = refusal(b"[1, 2, 3]", admin_actor)
    assert problems == ["must be an object, not a list"]
    problems = refusal(as_file({"format": "something-else"}), admin_actor)
    assert "format: must be “personal-outcomes-framework”: this is not a framework file" in (
        problems
    )
    assert "categories: this field is required" in problems


def test_a_framework_name_already_in_use_is_reported_at_name(document, admin_actor):
    document["name"] = "Adults living in the community"
    assert refusal(as_file(document), admin_actor) == [
        "name: A framework called “Adults living in the community” is already in use. "
        "Choose another name, or retire that framework first."
    ]


def test_a_different_scale_with_a_taken_name_is_reported_and_nothing_is_created(
    document, admin_actor
):
    document["scale"]["points"][0]["label"] = "Much worse"
    assert refusal(as_file(document), admin_actor) == [
        "scale.name: There is already a scale called “Extent achieved”."
    ]


def test_a_new_scale_in_the_file_is_created_with_the_framework(document, admin_actor):
    document["scale"] = {
        "name": "Met or not",
        "kind": "extent",
        "points": [
            {"score": 0, "label": "Not met", "band": "not_achieved"},
            {"score": 1, "label": "Met", "band": "achieved"},
        ],
    }
    imported = framework_import(
        actor=admin_actor, organisation=home_organisation(), content=as_file(document)
    )
    assert imported.scale.name == "Met or not"
    assert list(imported.scale.points.values_list("label", flat=True)) == ["Not met", "Met"]


def test_a_file_over_the_size_limit_is_refused(frameworks, admin_actor):
    assert refusal(b" " * 1_000_001, admin_actor) == ["the file is larger than 1000 kB"]


def test_the_import_page_lists_the_problems_and_creates_nothing(client, roles, document):
    broken = copy.deepcopy(document)
    del broken["categories"][2]["outcomes"][0]["short_name"]
    client.force_login(roles.admin)
    before = table_counts()
    response = client.post(
        "/frameworks/import/",
        {"file": SimpleUploadedFile("adults.json", as_file(broken), "application/json")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not imported" in page
    assert "<code>categories[2].outcomes[0].short_name</code>: this field is required" in page
    assert table_counts() == before


def test_the_import_page_creates_the_framework_from_a_good_file(client, roles, document):
    client.force_login(roles.admin)
    response = client.post(
        "/frameworks/import/",
        {"file": SimpleUploadedFile("adults.json", as_file(document), "application/json")},
    )
    imported = Framework.objects.get(name="Adults in Orkney")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/frameworks/{imported.pk}/"


def test_the_export_download_is_a_json_file_that_imports_back(client, roles, frameworks):
    client.force_login(roles.admin)
    response = client.get(f"/frameworks/{adults().pk}/export/")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (
        'filename="adults-living-in-the-community-v1.json"'
        in (response.headers["Content-Disposition"])
    )
    document = json.loads(response.content)
    assert document["name"] == "Adults living in the community"
    assert len([o for c in document["categories"] for o in c["outcomes"]]) == 15


# Files made to break the reader (issue 14): each is refused with its place, never a 500.


def test_nesting_deeper_than_twenty_levels_is_refused_by_line_and_column(frameworks, admin_actor):
    content = b'{"name": "x",\n "source": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert refusal(content, admin_actor) == [
        "line 2, column 31: lists and objects are nested more than 20 levels deep here"
    ]


def test_brackets_inside_text_do_not_count_as_nesting(document, admin_actor):
    document["description"] = "[{" * 50 + '\\"' + "]}" * 50
    imported = framework_import(
        actor=admin_actor, organisation=home_organisation(), content=as_file(document)
    )
    assert imported.description == document["description"]


@pytest.mark.parametrize("score", [2**31, -(2**31), 2**63])
def test_a_score_beyond_a_32_bit_integer_is_refused_where_it_is(document, admin_actor, score):
    document["scale"]["points"][2]["score"] = score
    assert refusal(as_file(document), admin_actor) == [
        "scale.points[2].score: must be a whole number from -2147483647 to 2147483647"
    ]


def with_raw(document, place: str, raw: bytes) -> bytes:
    """The file with ``raw`` JSON written where ``document`` has the text ``place``."""
    return as_file(document).replace(json.dumps(place).encode(), raw, 1)


def test_a_5000_digit_number_is_refused_without_being_read_as_a_number(document, admin_actor):
    document["audience"] = "here"
    assert refusal(with_raw(document, "here", b"9" * 5000), admin_actor) == [
        "audience: must be a whole number from -2147483647 to 2147483647"
    ]
    assert refusal(with_raw(document, "here", b"0." + b"1" * 5000), admin_actor) == [
        "audience: must be a number of at most 20 digits"
    ]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_numbers_json_does_not_allow_are_refused(document, admin_actor, constant):
    document["audience"] = "here"
    assert refusal(with_raw(document, "here", constant), admin_actor) == [
        f"audience: {constant.decode()} is not a number this format allows"
    ]


def test_a_nul_character_in_a_name_is_refused_where_it_is(document, admin_actor):
    document["categories"][1]["outcomes"][0]["short_name"] = "Safe\u0000"
    assert refusal(as_file(document), admin_actor) == [
        "categories[1].outcomes[0].short_name: must not contain the NUL character (\\u0000)"
    ]


def test_half_a_surrogate_pair_is_refused_where_it_is(document, admin_actor):
    document["name"] = "here"
    document["categories"][0]["bad\ud800"] = 1
    assert refusal(with_raw(document, "here", b'"Adults \\ud800"'), admin_actor) == [
        "name: must not contain half of a surrogate pair (\\ud800 to \\udfff)",
        "categories[0]: a field name must not contain half of a surrogate pair "
        "(\\ud800 to \\udfff)",
    ]


def test_the_import_page_shows_a_refused_surrogate_without_failing(client, roles, document):
    document["name"] = "here"
    client.force_login(roles.admin)
    before = table_counts()
    response = client.post(
        "/frameworks/import/",
        {
            "file": SimpleUploadedFile(
                "adults.json", with_raw(document, "here", b'"\\ud800"'), "application/json"
            )
        },
    )
    assert response.status_code == 200
    assert "must not contain half of a surrogate pair" in response.content.decode()
    assert table_counts() == before
