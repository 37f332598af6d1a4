"""Demo organisation, teams, users and people for trying the product out.

Everyone here is fictional. Loading is idempotent: running it again creates no
duplicates and leaves changed passwords alone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Membership, Organisation, Role, Team
from records.models import CaseloadEntry, Person

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - documented demo login, DEBUG only
ORGANISATION = "Demo Health and Social Care Partnership"
FIRST_TEAM = "North Locality Team"
SECOND_TEAM = "Riverside Community Team"

# username -> (first name, last name, [(team, role), ...])
DEMO_USERS = {
    "demo-practitioner": ("Morag", "Campbell", [(FIRST_TEAM, Role.PRACTITIONER)]),
    "demo-practitioner-2": ("Sunil", "Rao", [(SECOND_TEAM, Role.PRACTITIONER)]),
    "demo-manager": (
        "Eilidh",
        "Fraser",
        [(FIRST_TEAM, Role.MANAGER), (SECOND_TEAM, Role.MANAGER)],
    ),
    "demo-admin": ("Grant", "Douglas", [(FIRST_TEAM, Role.ADMIN)]),
}

# (full name, preferred name, [teams])
DEMO_PEOPLE = [
    ("Iris Mackenzie", "Iris", [FIRST_TEAM]),
    ("Thomas Baird", "Tam", [FIRST_TEAM]),
    ("Agnes Stewart", "", [FIRST_TEAM]),
    ("Callum Reid", "", [FIRST_TEAM, SECOND_TEAM]),
    ("Niamh O'Donnell", "", [SECOND_TEAM]),
    ("Ruaridh MacLeod", "Ruaridh", [SECOND_TEAM]),
]


@dataclass
class DemoLoaded:
    users_created: int
    people_created: int


@transaction.atomic
def demo_data_load() -> DemoLoaded:
    organisation, _ = Organisation.objects.get_or_create(name=ORGANISATION)
    teams = {
        name: Team.objects.get_or_create(organisation=organisation, name=name)[0]
        for name in (FIRST_TEAM, SECOND_TEAM)
    }

    user_model = get_user_model()
    users_created = 0
    for username, (first, last, roles) in DEMO_USERS.items():
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            users_created += 1
        for team_name, role in roles:
            Membership.objects.update_or_create(
                user=user, team=teams[team_name], defaults={"role": role}
            )

    people_created = 0
    for full_name, preferred, team_names in DEMO_PEOPLE:
        person, created = Person.objects.get_or_create(
            full_name=full_name, defaults={"preferred_name": preferred}
        )
        people_created += created
        for team_name in team_names:
            CaseloadEntry.objects.get_or_create(person=person, team=teams[team_name])
    return DemoLoaded(users_created=users_created, people_created=people_created)
