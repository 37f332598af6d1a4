"""Importing a file of people into an organisation's caseloads.

``people_import_check`` reads the file and says what each row would do, with
every problem by row and column, writing nothing but its audit event.
``people_import`` does the same check again inside one transaction, with the
organisation locked, and writes only if no problem remains: new people, changed
details and caseloads, all in bulk, with one audit event for the whole file.

Matching rows to records already in the organisation (on a caseload of one of
its teams): by CHI number where the row has one; a row with a CHI number also
matches a record with the same full name and date of birth that has no CHI
number yet (the file adds it). A row without a CHI number matches a record with
the same full name (spacing and capitals aside) and date of birth. Two records
or two rows that match the same way are a problem to resolve, never a guess.

A blank cell in a column the file has clears that detail, except the CHI number,
which a file can add or confirm but never remove. Teams listed are the
person's caseloads in this organisation afterwards; another organisation's
caseloads are never touched.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Team
from audit.services import audit_record
from common.actor import Actor
from records import hooks
from records.models import CaseloadEntry, KeyPerson, Outcome, Person

from .people_file import FileRefused, PersonRow, Problem, people_rows

ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"
BATCH = 2000
# A progress callback: (what is being done, how many so far, how many in all or None).
Progress = Callable[[str, int, int | None], None]


@dataclass
class RowPlan:
    """What importing one row would do."""

    row: int
    name: str
    action: str
    changes: list[str] = field(default_factory=list)
    person_id: int | None = None


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def added(self) -> int:
        return self.count(ADD)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.problems)} problem(s)")
        self.plan = plan


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class _Existing:
    """The organisation's records, as far as matching and comparing need them."""

    people: dict[int, dict]
    by_chi: dict[str, list[int]]
    by_name: dict[tuple[str, datetime.date | None], list[int]]
    teams_of: dict[int, set[int]]
    entry_ids: dict[tuple[int, int], int]
    key_people_of: dict[int, dict[tuple[str, str], int]]


def _existing(organisation: Organisation, with_key_people: bool) -> _Existing:
    in_organisation = Person.objects.filter(
        pk__in=CaseloadEntry.objects.filter(team__organisation=organisation).values("person_id")
    )
    people = {
        row["pk"]: row
        for row in in_organisation.values(
            "pk",
            "full_name",
            "preferred_name",
            "date_of_birth",
            "chi_number",
            "engagement_channels",
            "communication_needs",
            "closed_on",
            "version",
        ).iterator(chunk_size=BATCH)
    }
    by_chi, by_name = defaultdict(list), defaultdict(list)
    for pk, person in people.items():
        if person["chi_number"]:
            by_chi[person["chi_number"]].append(pk)
        by_name[(_name_key(person["full_name"]), person["date_of_birth"])].append(pk)
    teams_of, entry_ids = defaultdict(set), {}
    entries = CaseloadEntry.objects.filter(team__organisation=organisation).values_list(
        "pk", "person_id", "team_id"
    )
    for pk, person_id, team_id in entries.iterator(chunk_size=BATCH):
        teams_of[person_id].add(team_id)
        entry_ids[(person_id, team_id)] = pk
    key_people_of = defaultdict(dict)
    if with_key_people:
        key_people = KeyPerson.objects.filter(person__in=in_organisation).values_list(
            "pk", "person_id", "name", "relationship"
        )
        for pk, person_id, name, relationship in key_people.iterator(chunk_size=BATCH):
            key_people_of[person_id][(name, relationship)] = pk
    return _Existing(people, by_chi, by_name, teams_of, entry_ids, key_people_of)


@dataclass
class _Planned:
    """A row's plan with what it needs to be written."""

    plan: RowPlan
    row: PersonRow
    team_ids: set[int]
    fields: dict


def _match(row: PersonRow, existing: _Existing, problem: Callable[[str, str], None]) -> int | None:
    name = (_name_key(row.full_name), row.date_of_birth)
    if row.chi_number:
        found = existing.by_chi.get(row.chi_number, [])
        if len(found) > 1:
            problem(
                "chi_number",
                f"{len(found)} records in the organisation already have this CHI number; "
                "ask their teams to put them right before importing this row.",
            )
            return None
        if found:
            return found[0]
        found = [
            pk for pk in existing.by_name.get(name, []) if not existing.people[pk]["chi_number"]
        ]
    else:
        found = existing.by_name.get(name, [])
    if len(found) > 1:
        problem(
            "chi_number",
            f"{len(found)} records in the organisation have this name and date of birth; "
            "give the CHI number to say which one this row is.",
        )
        return None
    return found[0] if found else None


def _changes(row: PersonRow, person: dict, team_ids: set[int], existing: _Existing) -> dict:
    """The fields of ``person`` the row changes, with their new values, and
    ``teams``/``key_people`` when those change."""
    wanted = {"full_name": row.full_name}
    if row.preferred_name is not None:
        wanted["preferred_name"] = row.preferred_name
    if row.has_date_of_birth:
        wanted["date_of_birth"] = row.date_of_birth
    if row.chi_number:
        wanted["chi_number"] = row.chi_number
    if row.engagement_channels is not None:
        wanted["engagement_channels"] = row.engagement_channels
    if row.communication_needs is not None:
        wanted["communication_needs"] = row.communication_needs
    changed = {name: value for name, value in wanted.items() if person[name] != value}
    if team_ids != existing.teams_of.get(person["pk"], set()):
        changed["teams"] = team_ids
    if row.key_people is not None and set(row.key_people) != set(
        existing.key_people_of.get(person["pk"], {})
    ):
        changed["key_people"] = row.key_people
    return changed


CHANGE_WORDS = {
    "full_name": "name",
    "preferred_name": "preferred name",
    "date_of_birth": "date of birth",
    "chi_number": "CHI number",
    "engagement_channels": "ways of communicating",
    "communication_needs": "communication needs",
    "teams": "teams",
    "key_people": "key people",
}


def _plan(
    organisation: Organisation, content: bytes, progress: Progress | None
) -> tuple[ImportPlan, list[_Planned], _Existing | None]:
    plan = ImportPlan()
    planned: list[_Planned] = []
    try:
        read = list(people_rows(content))
    except FileRefused as refused:
        plan.problems.append(Problem(0, "", refused.message))
        return plan, planned, None
    # Team names are unique as typed, not as a file may spell them (capitals, spaces).
    teams: dict[str, list[Team]] = defaultdict(list)
    for team in Team.objects.filter(organisation=organisation).order_by("name"):
        teams[_name_key(team.name)].append(team)
    with_key_people = any(row is not None and row.key_people is not None for row, _ in read)
    existing = _existing(organisation, with_key_people)
    seen_chi: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    matched: dict[int, int] = {}
    for done, (row, problems) in enumerate(read, start=1):
        if progress and done % 10000 == 0:
            progress("Checked", done, len(read))
        plan.problems.extend(problems)
        if row is None:
            continue

        def problem(column: str, message: str, number=row.row) -> None:
            plan.problems.append(Problem(number, column, message))

        team_ids = set()
        problems_before = len(plan.problems)
        for team_name in row.teams:
            found = teams.get(_name_key(team_name), [])
            exact = [t for t in found if t.name == team_name]
            if len(found) > 1 and len(exact) != 1:
                problem(
                    "teams",
                    f"“{team_name[:80]}” could be any of "
                    + ", ".join(sorted(f"“{t.name}”" for t in found))
                    + ": write the team's name exactly as it is spelt in the app.",
                )
            elif not found:
                problem("teams", f"There is no team called “{team_name[:80]}” in {organisation}.")
            else:
                team_ids.add((exact or found)[0].pk)
        name_key = (_name_key(row.full_name), row.date_of_birth)
        if row.chi_number:
            if row.chi_number in seen_chi:
                problem("chi_number", f"Row {seen_chi[row.chi_number]} has the same CHI number.")
                continue
            seen_chi[row.chi_number] = row.row
        elif row.full_name:
            if name_key in seen_name:
                problem(
                    "full_name",
                    f"Row {seen_name[name_key]} has the same name and date of birth and neither "
                    "row has a CHI number, so they would be one person. Give their CHI numbers.",
                )
                continue
            seen_name[name_key] = row.row
        # A team named twice in the cell is one team, not a problem.
        if problems or len(plan.problems) > problems_before:
            continue
        problems_before = len(plan.problems)
        person_id = _match(row, existing, problem)
        if len(plan.problems) > problems_before:
            continue
        if person_id is None:
            entry = RowPlan(row.row, row.full_name, ADD)
            plan.rows.append(entry)
            planned.append(_Planned(entry, row, team_ids, {}))
            continue
        if person_id in matched:
            problem("", f"Row {matched[person_id]} is the same person.")
            continue
        matched[person_id] = row.row
        person = existing.people[person_id]
        changed = _changes(row, person, team_ids, existing)
        born = changed.get("date_of_birth", person["date_of_birth"])
        chi = changed.get("chi_number", person["chi_number"])
        if born and chi and born.strftime("%d%m%y") != chi[:6]:
            column = "chi_number" if "chi_number" in changed else "date_of_birth"
            problem(column, "The CHI number and the date of birth recorded would not match.")
            continue
        if changed and person["closed_on"]:
            problem("", "This person's record is closed; reopen it before changing it by import.")
            continue
        entry = RowPlan(
            row.row,
            row.full_name,
            UPDATE if changed else UNCHANGED,
            [CHANGE_WORDS[name] for name in changed],
            person_id,
        )
        plan.rows.append(entry)
        if changed:
            planned.append(_Planned(entry, row, team_ids, changed))
    plan.problems.sort(key=lambda p: p.row)
    return plan, planned, existing


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _added(planned: list[_Planned], progress: Progress | None) -> None:
    now = timezone.now()
    adding = [p for p in planned if p.plan.action == ADD]
    for done, batch in enumerate(_batches(adding), start=1):
        people = Person.objects.bulk_create(
            Person(
                full_name=p.row.full_name,
                preferred_name=p.row.preferred_name or "",
                date_of_birth=p.row.date_of_birth,
                chi_number=p.row.chi_number,
                engagement_channels=p.row.engagement_channels or [],
                communication_needs=p.row.communication_needs or "",
                created_at=now,
                updated_at=now,
            )
            for p in batch
        )
        entries, key_people = [], []
        for p, person in zip(batch, people, strict=True):
            p.plan.person_id = person.pk
            entries.extend(
                CaseloadEntry(person_id=person.pk, team_id=t, added_at=now) for t in p.team_ids
            )
            key_people.extend(
                KeyPerson(person_id=person.pk, name=name, relationship=relationship)
                for name, relationship in p.row.key_people or ()
            )
        CaseloadEntry.objects.bulk_create(entries, batch_size=BATCH)
        KeyPerson.objects.bulk_create(key_people, batch_size=BATCH)
        if progress:
            progress("Added", min(done * BATCH, len(adding)), len(adding))


def _updated(planned: list[_Planned], existing: _Existing, progress: Progress | None) -> None:
    now = timezone.now()
    updating = [p for p in planned if p.plan.action == UPDATE]
    for done, batch in enumerate(_batches(updating), start=1):
        # A new date of birth or other teams move the person's report figures.
        moving = [p.plan.person_id for p in batch if {"date_of_birth", "teams"} & set(p.fields)]
        with hooks.outcomes_changing(Outcome.objects.filter(person_id__in=moving)):
            people, columns = [], {"version", "updated_at"}
            for p in batch:
                person = Person(**existing.people[p.plan.person_id])
                for name, value in p.fields.items():
                    if name not in ("teams", "key_people"):
                        setattr(person, name, value)
                        columns.add(name)
                person.version += 1
                person.updated_at = now
                people.append(person)
            Person.objects.bulk_update(people, sorted(columns))
            gone, new = [], []
            for p in (p for p in batch if "teams" in p.fields):
                before = existing.teams_of.get(p.plan.person_id, set())
                gone += [existing.entry_ids[(p.plan.person_id, t)] for t in before - p.team_ids]
                new += [
                    CaseloadEntry(person_id=p.plan.person_id, team_id=t, added_at=now)
                    for t in p.team_ids - before
                ]
            CaseloadEntry.objects.filter(pk__in=gone).delete()
            CaseloadEntry.objects.bulk_create(new)
        gone, new = [], []
        for p in (p for p in batch if "key_people" in p.fields):
            had = existing.key_people_of.get(p.plan.person_id, {})
            wanted = set(p.fields["key_people"])
            gone += [pk for pair, pk in had.items() if pair not in wanted]
            new += [
                KeyPerson(person_id=p.plan.person_id, name=name, relationship=relationship)
                for name, relationship in p.fields["key_people"]
                if (name, relationship) not in had
            ]
        KeyPerson.objects.filter(pk__in=gone).delete()
        KeyPerson.objects.bulk_create(new)
        if progress:
            progress("Changed", min(done * BATCH, len(updating)), len(updating))


def _summary(plan: ImportPlan) -> dict:
    return {
        "added": [None, plan.added],
        "changed": [None, plan.updated],
        "unchanged": [None, plan.unchanged],
        "problems": [None, len(plan.problems)],
    }


def people_import_check(
    *, actor: Actor, organisation: Organisation, content: bytes, progress: Progress | None = None
) -> ImportPlan:
    """What importing ``content`` would do, row by row, and every problem; writes no
    record. The check itself is audited: it tells which rows match records."""
    plan, _, _ = _plan(organisation, content, progress)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="people_import_checked",
            on=organisation,
            summary="A file of people checked, nothing imported",
            changes=_summary(plan),
        )
    return plan


@transaction.atomic
def people_import(
    *, actor: Actor, organisation: Organisation, content: bytes, progress: Progress | None = None
) -> ImportPlan:
    """Import ``content`` into ``organisation``'s caseloads, or raise ``ImportRefused``
    with every problem and write nothing.

    Checked again here, with the organisation locked until the end (as
    ``records.services`` does for a CHI number), so nobody adds a record of the
    same person in between.
    """
    list(Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk))
    plan, planned, existing = _plan(organisation, content, progress)
    if plan.problems:
        raise ImportRefused(plan)
    _added(planned, progress)
    _updated(planned, existing, progress)
    audit_record(
        actor=actor,
        action="people_import",
        on=organisation,
        summary=f"People imported from a file: {plan.added} added, {plan.updated} changed",
        changes=_summary(plan),
    )
    return plan
