from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import Checkpoint, CheckpointInvalid, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain and report the first broken link, if any. "
        "With --checkpoint, also check the trail against a checkpoint made by "
        "audit_checkpoint. Exits non-zero when the trail has been altered."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint",
            type=Path,
            metavar="FILE",
            help="A checkpoint from audit_checkpoint, kept away from the database.",
        )

    def handle(self, *args, **options) -> None:
        checkpoint = None
        if options["checkpoint"] is not None:
            checkpoint = _checkpoint_read(options["checkpoint"])
        report = audit_chain_verify(checkpoint=checkpoint)
        if not report.intact:
            where = f"event {report.broken_event_id}" if report.broken_event_id else "the end"
            raise CommandError(
                f"Audit trail broken at {where}: {report.problem}. "
                f"Events found intact before it: {report.events_checked}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {report.events_checked} events checked.")
        )
        # Kept somewhere the database's administrators cannot rewrite, this lets
        # a later check prove the whole chain up to now was not rebuilt.
        self.stdout.write(f"Latest hash: {report.last_hash}")
        if report.unkeyed_events:
            self.stdout.write(
                f"{report.unkeyed_events} of them were hashed before the trail was keyed, "
                "and the keyed events after them vouch for them."
            )
        if checkpoint is not None:
            self.stdout.write(
                f"Matches the checkpoint taken at {checkpoint.taken_at} "
                f"({checkpoint.event_count} events, up to event {checkpoint.event_id})."
            )


def _checkpoint_read(path: Path) -> Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read the checkpoint {path}: {exc.strerror}.") from None
    try:
        return Checkpoint.from_json(text)
    except CheckpointInvalid as exc:
        raise CommandError(f"The checkpoint {path} cannot be trusted: {exc}.") from None
