from django.db import models

from accounts.models import Organisation

# ``until`` of an outcome that is still active: after every period.
OPEN = 2**31 - 1


class Tally(models.Model):
    """How many outcomes or reviews share one combination of everything a report asks.

    Kept up to date by ``reports.tallies`` in the transaction of every write to
    an outcome or a review, so reports add up tallies instead of counting rows.
    ``team`` is 0 for the figures of the whole organisation (where a person on
    two of its teams counts once). ``start`` and ``until`` are months
    (``year * 12 + month - 1``); ``until`` is ``OPEN`` while an outcome is active.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    team = models.IntegerField(default=0)
    figure = models.CharField(max_length=10)
    scope = models.CharField(max_length=60, blank=True)
    age_band = models.CharField(max_length=10, blank=True)
    start = models.IntegerField()
    until = models.IntegerField(default=OPEN)
    band = models.CharField(max_length=20, blank=True)
    single = models.BooleanField(default=False)
    distance = models.IntegerField(default=0)
    flags = models.IntegerField(default=0)
    theme = models.IntegerField(default=0)
    n = models.IntegerField()

    KEY = (
        "organisation_id",
        "team",
        "figure",
        "scope",
        "age_band",
        "start",
        "until",
        "band",
        "single",
        "distance",
        "flags",
        "theme",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "team",
                    "figure",
                    "scope",
                    "age_band",
                    "start",
                    "until",
                    "band",
                    "single",
                    "distance",
                    "flags",
                    "theme",
                ],
                name="tally_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.scope or 'all'} {self.start}: {self.n}"


class TallyAges(models.Model):
    """The day the age bands in the tallies were worked out on (one row).

    Age bands change as people have birthdays; before a report filters by age
    band, the people who have crossed a band since that day are moved
    (``reports.tallies.ages_brought_up_to_date``).
    """

    as_of = models.DateField()

    def __str__(self) -> str:
        return f"Age bands as of {self.as_of}"
