"""Demo organisation, teams, users and people for trying the product out.

Everyone here is fictional. Loading is idempotent: running it again creates no
duplicates and leaves changed passwords alone.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationRole, Role, Team
from common.actor import Actor
from conversations import services as conversations
from conversations.models import Conversation, ConversationKind
from frameworks.models import FrameworkOutcome, RatingScale
from records import services as records
from records.models import Action, CaseloadEntry, KeyPerson, Outcome, Person, Review
from records.services import outcome_progress_refresh, outcome_quality, review_quality
from reports import tallies
from themes.models import Theme

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

# What matters to each demo person: their words, why, the framework outcome it
# relates to, steps (what, who, when, where), their own contribution, and a
# year of reviews as (score, narrative, what helped, what hindered).
DEMO_OUTCOMES = {
    "Iris Mackenzie": [
        {
            "what_matters": "I want my confidence back in the kitchen. The smell of soup on "
            "the stove makes me feel I am making a home for my husband and me.",
            "why": "Cooking for Bill has always been how she looks after him.",
            "framework": "Improved confidence / morale",
            "actions": [
                ("Cook a simple soup together", "Occupational therapist", "Tuesdays", "At home"),
                ("Fit a perching stool by the cooker", "Community equipment", "By March", ""),
            ],
            "contribution": "Iris chooses the recipes; Bill does the shopping list with her.",
            "reviews": [
                (2, "Iris felt shaky standing at the cooker.", "", "Tired after the hospital stay"),
                (3, "Made lentil soup with support.", "The perching stool", ""),
                (4, "Cooks twice a week on her own now.", "Bill's encouragement", ""),
                (5, "Iris says: 'The house smells like home again.'", "Practice", ""),
            ],
        },
        {
            "what_matters": "I'd like to get to the lunch club on a Thursday and see my pals.",
            "why": "She has felt lonely since she stopped driving.",
            "framework": "Seeing people",
            "actions": [("Arrange community transport", "Morag (social worker)", "Now", "")],
            "contribution": "Her neighbour Jean will walk with her to the bus.",
            "reviews": [
                (2, "Transport not yet arranged.", "", "Waiting list for the bus"),
                (3, "Went twice this month.", "Jean walking with her", "Rain"),
                (4, "Goes most weeks.", "Community transport", ""),
            ],
        },
    ],
    "Thomas Baird": [
        {
            "what_matters": "I want to get back to the bowling green in the summer.",
            "why": "Tam has played there for forty years; his friends are there.",
            "framework": "Improved mobility",
            "actions": [("Physiotherapy exercises", "Physiotherapist", "Weekly", "At home")],
            "contribution": "Tam does his exercises every morning.",
            "reviews": [
                (1, "A fall in the garden set him back.", "", "Pain in his hip"),
                (2, "Walking to the end of the street.", "Exercises", "Cold weather"),
                (3, "Walked to the green and watched a game.", "His son drove him", ""),
                (4, "Played two ends. Tam: 'Best day in a year.'", "Physio", ""),
            ],
        },
    ],
    "Agnes Stewart": [
        {
            "what_matters": "Stay in my own home, with my cat, for as long as I can.",
            "why": "It is where she raised her family; Smudge keeps her company.",
            "framework": "Living where you want / as you want",
            "actions": [("Morning and evening visits", "Home care team", "Daily", "At home")],
            "contribution": "Her daughter Ann visits on Sundays and sorts the post.",
            "reviews": [
                (3, "Managing with visits.", "Regular carers she knows", ""),
                (3, "A chest infection; stayed at home with extra visits.", "District nurse", ""),
                (4, "Settled and content.", "Ann's Sunday visits", ""),
            ],
        },
    ],
    "Callum Reid": [
        {
            "what_matters": "I want a job, something with my hands.",
            "why": "Callum wants his own money and a reason to get up.",
            "framework": "Having things to do",
            "actions": [
                ("Meet the employability adviser", "Callum and his worker", "Next month", "")
            ],
            "contribution": "Callum will bring his CV and think about what he enjoys.",
            "reviews": [
                (2, "Nervous about the first meeting.", "", "Anxiety on buses"),
                (3, "Started volunteering at the community garden.", "A friendly supervisor", ""),
            ],
        },
    ],
    "Niamh O'Donnell": [
        {
            "what_matters": "I need a break from caring now and then, without feeling guilty.",
            "why": "Niamh cares for her mum and has had no time to herself for two years.",
            "framework": "A life of their own",
            "actions": [("Short breaks once a month", "Carers centre", "Monthly", "")],
            "contribution": "Her brother will cover one weekend a month.",
            "reviews": [
                (2, "No break yet.", "", "Her brother's shifts"),
                (3, "A weekend away in the spring.", "Carers centre grant", ""),
                (4, "Monthly breaks happening.", "Brother on board", ""),
            ],
        },
    ],
    "Ruaridh MacLeod": [
        {
            "what_matters": "Keep up my Gaelic choir on a Wednesday night.",
            "why": "Singing keeps his spirits up and his friends are there.",
            "framework": "Having things to do",
            "actions": [("Lift to choir", "Volunteer driver scheme", "Wednesdays", "")],
            "contribution": "Ruaridh phones the driver by Monday.",
            "reviews": [
                (4, "Going every week.", "Volunteer driver", ""),
                (5, "Sang at the Mod. Ruaridh: 'I felt like myself again.'", "The choir", ""),
            ],
        },
    ],
}

# (full name, preferred name, [teams])
DEMO_PEOPLE = [
    ("Iris Mackenzie", "Iris", [FIRST_TEAM]),
    ("Thomas Baird", "Tam", [FIRST_TEAM]),
    ("Agnes Stewart", "", [FIRST_TEAM]),
    ("Callum Reid", "", [FIRST_TEAM, SECOND_TEAM]),
    ("Niamh O'Donnell", "", [SECOND_TEAM]),
    ("Ruaridh MacLeod", "Ruaridh", [SECOND_TEAM]),
    # Met in conversations only (demo_conversations): one recorded, one a draft.
    ("Elspeth Munro", "Elspeth", [FIRST_TEAM]),
    ("Duncan Gray", "", [FIRST_TEAM]),
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
            username=username,
            defaults={"first_name": first, "last_name": last, "organisation": organisation},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            users_created += 1
        if not user.is_demo:
            # Marked, so a server with DEBUG off refuses the published password.
            user.is_demo = True
            user.save(update_fields=["is_demo"])
        for team_name, role in roles:
            Membership.objects.update_or_create(
                user=user, team=teams[team_name], defaults={"role": role}
            )

    # The demo manager also sees the organisation-wide report.
    OrganisationRole.objects.get_or_create(
        user=user_model.objects.get(username="demo-manager"), organisation=organisation
    )

    people_created = 0
    for full_name, preferred, team_names in DEMO_PEOPLE:
        person, created = Person.objects.get_or_create(
            full_name=full_name, defaults={"preferred_name": preferred}
        )
        people_created += created
        for team_name in team_names:
            CaseloadEntry.objects.get_or_create(person=person, team=teams[team_name])
    author = user_model.objects.get(username="demo-practitioner")
    themes = {
        name: Theme.objects.get_or_create(organisation=organisation, name=name)[0]
        for name in DEMO_THEMES
    }
    written = False
    for person in Person.objects.filter(full_name__in=DEMO_OUTCOMES, outcomes__isnull=True):
        _demo_outcomes(person, DEMO_OUTCOMES[person.full_name], author, themes)
        written = True
    if written:  # the demo records are written directly, so count the report tallies again
        tallies.rebuild()
    iris = Person.objects.get(full_name="Iris Mackenzie")
    if not iris.key_people.exists():
        KeyPerson.objects.create(
            person=iris, name="Bill Mackenzie", relationship="Husband", may_speak_for_person=True
        )
    if not Conversation.objects.filter(created_by=author).exists():
        demo_conversations(Actor(user=author, path="demo_data"))
    return DemoLoaded(users_created=users_created, people_created=people_created)


def _demo_outcomes(person: Person, specs: list[dict], author, themes: dict) -> None:
    """A year of outcomes and reviews, ending with a review due soon or overdue."""
    organisation_id = person.teams.values_list("organisation_id", flat=True).first()
    scale = RatingScale.objects.get(key="extent-achieved", organisation_id=organisation_id)
    points = {p.score: p for p in scale.points.all()}
    today = timezone.localdate()
    started = today - datetime.timedelta(days=380)
    for spec in specs:
        outcome = Outcome.objects.create(
            person=person,
            what_matters=spec["what_matters"],
            why_it_matters=spec["why"],
            contribution=spec["contribution"],
            started_on=started,
            # One usual interval after the last review: some fall due soon, some
            # are overdue, and none is due before a review already held.
            next_review_on=started + datetime.timedelta(days=90 * (len(spec["reviews"]) + 1)),
            scale=scale,
            created_by=author,
        )
        outcome.framework_outcomes.set(
            FrameworkOutcome.objects.filter(
                short_name=spec["framework"], category__framework__organisation_id=organisation_id
            )[:1]
        )
        Action.objects.bulk_create(
            Action(outcome=outcome, description=d, who=who, when=when, where=where, order=i)
            for i, (d, who, when, where) in enumerate(spec["actions"], start=1)
        )
        for i, (score, narrative, helped, hindered) in enumerate(spec["reviews"], start=1):
            review = Review.objects.create(
                outcome=outcome,
                reviewed_on=started + datetime.timedelta(days=90 * i),
                point=points[score],
                narrative=narrative,
                what_helped=helped,
                what_hindered=hindered,
                views_included=f"{person.display_name} and the practitioner",
                created_by=author,
            )
            review.quality = review_quality(review)
            review.save()
            review.helped_themes.set(_themes_in(helped, themes))
            review.hindered_themes.set(_themes_in(hindered, themes))
        outcome.quality = outcome_quality(outcome, list(outcome.framework_outcomes.all()))
        outcome.save()
        outcome_progress_refresh(outcome)


# Demo themes of what helps and hinders, with words that suggest each in the demo reviews.
DEMO_THEMES = {
    "Family and friends": ("Bill", "Jean", "son", "brother", "daughter", "Ann", "neighbour"),
    "Transport": ("transport", "bus", "driver", "drove"),
    "Equipment and adaptations": ("stool", "equipment"),
    "Health": ("infection", "pain", "hip", "tired", "hospital", "physio", "nurse", "exercises"),
    "Community groups and places": ("choir", "club", "garden", "carers centre"),
    "Weather": ("rain", "weather"),
}


def _themes_in(text: str, themes: dict) -> list:
    lowered = text.lower()
    return [
        theme
        for name, theme in themes.items()
        if any(w.lower() in lowered for w in DEMO_THEMES[name])
    ]


def demo_conversations(actor: Actor) -> None:
    """For demo-practitioner: a recorded first conversation (Elspeth Munro), a
    recorded review conversation (Iris Mackenzie) and a draft saved and left at
    its first stage (Duncan Gray), written through the same services as the pages."""
    today = timezone.localdate()
    elspeth = Person.objects.get(full_name="Elspeth Munro")
    first = conversations.conversation_start(
        actor=actor,
        person=elspeth,
        kind=ConversationKind.FIRST,
        held_on=today - datetime.timedelta(days=21),
        place="At home, in the front room",
        channels=["verbal"],
        others=[conversations.ParticipantData(kind="family", name="Alan Munro", role="Son")],
    )
    views = list(first.participants.order_by("order"))
    first = conversations.exchange_save(
        actor=actor,
        conversation=first,
        version=first.version,
        perspectives=[
            conversations.PerspectiveData(
                participant_id=views[0].pk,
                what_matters="I want to get back to the bowling club. I miss the banter.",
                why="The club was where I saw everybody after Jim died.",
                in_own_words=True,
            ),
            conversations.PerspectiveData(
                participant_id=views[1].pk,
                what_matters="Mum getting out of the house without falling on the way.",
            ),
        ],
        strengths_person="Forty years at the club; knows everyone by name.",
        strengths_family="Alan drives over on Saturdays.",
        strengths_community="The club runs a minibus on match days.",
        candidates=[conversations.CandidateData(statement="Back at the bowling club")],
    )
    first = conversations.negotiate_save(
        actor=actor,
        conversation=first,
        version=first.version,
        differences="Alan worries about the walk to the minibus; Elspeth says she will manage.",
        risks=[
            conversations.RiskData(
                risk="A fall on the way to the minibus in the dark",
                persons_view="I would rather take the chance than sit in.",
                agreed_reasonable="Going on afternoon match days, with her stick.",
                safeguards="The driver waits at the gate; a phone in her coat pocket.",
                look_again_on=today + datetime.timedelta(days=60),
            )
        ],
    )
    conversations.agreed_outcome_save(
        actor=actor,
        conversation=first,
        agreed=None,
        what_matters="I want to get back to the bowling club. I miss the banter.",
        why_it_matters="The club was where I saw everybody after Jim died.",
        framework_outcomes=list(
            FrameworkOutcome.objects.filter(
                short_name="Seeing people",
                category__framework__organisation__teams__caseload_entries__person=elspeth,
            )[:1]
        ),
        person_contribution="Phone the club secretary about the new season.",
        family_contribution="Alan comes to the first match with her.",
        practitioner_contribution="Ask the physio about exercises for her balance.",
        next_review_on=today + datetime.timedelta(days=70),
        actions=[
            records.ActionData(
                description="Book a place on the minibus",
                who="Elspeth",
                when="Before the first match",
                due_on=today + datetime.timedelta(days=7),
            )
        ],
    )
    first.refresh_from_db()
    first = conversations.agree_save(
        actor=actor,
        conversation=first,
        version=first.version,
        not_agreed="Whether Elspeth should give up her car; she wants to think about it.",
    )
    conversations.conversation_confirm(actor=actor, conversation=first)

    iris = Person.objects.get(full_name="Iris Mackenzie")
    review = conversations.conversation_start(
        actor=actor,
        person=iris,
        kind=ConversationKind.REVIEW,
        held_on=today - datetime.timedelta(days=7),
        place="At home",
        channels=["verbal", "family_proxy"],
        key_people=list(iris.key_people.all()),
    )
    entries = list(review.review_entries.select_related("outcome__scale"))
    review = conversations.review_entries_save(
        actor=actor,
        conversation=review,
        version=review.version,
        entries=[
            conversations.ReviewEntryData(
                outcome_id=entry.outcome_id,
                point=entry.outcome.scale.points.order_by("-score").first(),
                narrative="Iris made soup for Bill on Sunday. 'The house smells like home.'",
                what_helped="Bill's encouragement and the perching stool",
            )
            for entry in entries[:1]
        ],
    )
    conversations.conversation_confirm(actor=actor, conversation=review)

    conversations.conversation_start(
        actor=actor,
        person=Person.objects.get(full_name="Duncan Gray"),
        kind=ConversationKind.FIRST,
        held_on=today,
        place="By phone",
        channels=["verbal"],
    )
    draft = Conversation.objects.get(person__full_name="Duncan Gray", created_by=actor.user)
    duncan = draft.participants.get()
    draft = conversations.exchange_save(
        actor=actor,
        conversation=draft,
        version=draft.version,
        perspectives=[
            conversations.PerspectiveData(
                participant_id=duncan.pk,
                what_matters="I'd like to be able to get to the allotment again.",
                in_own_words=True,
            )
        ],
        leaving=True,
    )
