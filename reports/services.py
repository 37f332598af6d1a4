"""What reports write: the audit events of reading figures about people and taking
them away. Reports change no record."""

from collections.abc import Iterable

from accounts.models import Organisation, Team
from audit.services import audit_record, audit_record_each
from common.actor import Actor


def report_exported(*, actor: Actor, of: Team | Organisation, table: str, fmt: str) -> None:
    """Note in the audit trail that a report table left the app as a file."""
    kind = "team_dashboard" if isinstance(of, Team) else "organisation_report"
    audit_record(
        actor=actor,
        action="export",
        on=(f"reports.{kind}", of.pk),
        summary=f"Exported {table} as {fmt}",
    )


def narrative_viewed(*, actor: Actor, team: Team, person_ids: Iterable[int]) -> None:
    """Note, for each person shown, that their reviews were read from a team dashboard."""
    audit_record_each(
        actor=actor,
        action="view",
        on=("reports.narrative", team.pk),
        person_ids=sorted(set(person_ids)),
        summary="Viewed review narrative from a team dashboard",
    )


def team_dashboard_viewed(
    *, actor: Actor, team: Team, person_ids: Iterable[int], what: str = "team dashboard"
) -> None:
    """Note, for each person a team dashboard names, that the user saw them listed there.

    One statement however many people are listed; ``what`` says which page
    ("team dashboard", "team dashboard PDF").
    """
    audit_record_each(
        actor=actor,
        action="view",
        on=("reports.team_dashboard", team.pk),
        person_ids=sorted(set(person_ids)),
        summary=f"Viewed {what}",
    )
