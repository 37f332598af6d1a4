from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import TrailBroken, audit_checkpoint_make


class Command(BaseCommand):
    help = (
        "Verify the audit trail, then print its head (event, hash, time, number of events) "
        "as one line of JSON signed with AUDIT_KEY. Keep it away from the database, and "
        "check the trail against it later with audit_verify --checkpoint."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--out", type=Path, metavar="FILE", help="Write the checkpoint to FILE instead."
        )

    def handle(self, *args, **options) -> None:
        try:
            checkpoint = audit_checkpoint_make()
        except TrailBroken as exc:
            raise CommandError(f"{exc}. No checkpoint was made.") from None
        line = checkpoint.to_json()
        if options["out"] is None:
            self.stdout.write(line)
            return
        options["out"].write_text(line + "\n", encoding="utf-8")
        self.stderr.write(
            f"Checkpoint of {checkpoint.event_count} events, up to event "
            f"{checkpoint.event_id}, written to {options['out']}."
        )
