from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.people import DEMO_PASSWORD, DEMO_USERS, demo_data_load
from frameworks.services import defaults_load


class Command(BaseCommand):
    help = "Create the demo organisation, teams, users and people (development only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo data is for development only and DEBUG is off; nothing was created."
            )
        defaults_load()  # outcomes in the demo are tied to the default frameworks
        result = demo_data_load()
        self.stdout.write(
            f"Demo data ready ({result.users_created} users and "
            f"{result.people_created} people created this time)."
        )
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in as one of:")
        for username, (first, last, roles) in DEMO_USERS.items():
            where = "; ".join(f"{role.label.lower()}, {team}" for team, role in roles)
            self.stdout.write(f"  {username:<22} ({first} {last}: {where})")
        self.stdout.write(f"Every demo password is: {DEMO_PASSWORD}")
