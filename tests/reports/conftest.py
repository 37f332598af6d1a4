import datetime

import pytest

from frameworks.models import FrameworkOutcome
from records import services
from records.models import CaseloadEntry, Person

D = datetime.date
PERIOD = "?period=custom&start=2025-01-01&end=2025-12-31"


@pytest.fixture
def build(roles, frameworks, actor_as):
    """Make people and outcomes with reviews through the real services."""

    actor = actor_as(roles.practitioner)

    class Builder:
        def person(self, name: str, team=None, **fields) -> Person:
            person = Person.objects.create(full_name=name, **fields)
            CaseloadEntry.objects.create(person=person, team=team or roles.team)
            return person

        def outcome(self, person, framework_outcome: str, ratings=(), **fields):
            fo = FrameworkOutcome.objects.get(
                short_name=framework_outcome, category__framework__key="adults-community"
            )
            outcome = services.outcome_record(
                actor=actor,
                person=person,
                what_matters=fields.pop("what_matters", f"I want {framework_outcome.lower()}"),
                framework_outcomes=[fo],
                started_on=fields.pop("started_on", D(2024, 1, 2)),
                **fields,
            )
            for day, score, *text in ratings:
                self.rate(outcome, day, score, *text)
            return outcome

        def rate(self, outcome, day, score, narrative="", helped="", hindered=""):
            return services.review_add(
                actor=actor,
                outcome=outcome,
                reviewed_on=day,
                point=outcome.scale.points.get(score=score),
                narrative=narrative,
                what_helped=helped,
                what_hindered=hindered,
            )

    return Builder()
