from django.core.management.base import BaseCommand

from common.actor import Actor
from records.retention import expired_by_organisation, retention_apply
from records.submissions import submissions_forget_old


class Command(BaseCommand):
    help = (
        "Anonymise closed records kept longer than their organisations' retention period. "
        "With --dry-run, list what would be anonymised (record ids only) and change nothing. "
        "Also forgets the week-old keys that stop a form being saved twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the records; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        expired = expired_by_organisation()
        for organisation in expired:
            ids = ", ".join(str(pk) for pk in organisation.person_ids)
            self.stdout.write(
                f"{organisation.name}: {len(organisation.person_ids)} record(s) past the "
                f"retention period: {ids}"
            )
        if dry_run:
            total = len({pk for o in expired for pk in o.person_ids})
            self.stdout.write(f"Dry run: {total} record(s) would be anonymised; nothing changed.")
            return
        done = retention_apply(actor=Actor.system())
        self.stdout.write(f"Anonymised {len(done)} record(s).")
        forgotten = submissions_forget_old()
        self.stdout.write(f"Forgot {forgotten} form key(s) kept against double sending.")
