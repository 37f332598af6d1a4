from django.db import models

from accounts.models import Organisation
from records.models import Outcome, Review

# ``until`` of an outcome that is still active: after every period.
OPEN = 2**31 - 1

# The age band of an organisation's tallies for all ages together (OrganisationTally).
ALL_AGES = "all"

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


class TallyBase(models.Model):
    """How many outcomes or reviews share one combination of everything a report asks.

    Kept up to date by ``reports.tallies`` in the transaction of every write to
    an outcome or a review, so reports add up tallies instead of counting rows.
    ``start`` and ``until`` are months (``year * 12 + month - 1``); ``until`` is
    ``OPEN`` while an outcome is active. Three tables share these columns, so
    each report reads only its own: see the subclasses.
    """

    # No database constraint: tallies are counted from the records, and the
    # rebuild writes millions of them at once. No index of its own either: every
    # read names the organisation first, and the key's index starts with it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
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
    # The sum of the record keys of the records counted (reports.disclosure):
    # what the organisation reports' disclosure control works from.
    keys = models.BigIntegerField(default=0, db_default=0)

    KEY = KEY

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.figure} {self.scope or 'all'} {self.start}: {self.n}"


# On PostgreSQL the key's index also carries the counts (INCLUDE), so a report
# reads a team's or an organisation's tallies from the index alone, a few pages
# in key order, instead of visiting each row's page of the table: see the
# migration 0008 and the rebuild (reports.tallies). SQLite has no such indexes.
COVERED = ("n", "keys")


def _unique(name: str) -> list:
    return [models.UniqueConstraint(fields=[f.removesuffix("_id") for f in KEY], name=name)]


class Tally(TallyBase):
    """The organisation's figures (``team`` 0), where a person on two of its teams counts once."""

    class Meta:
        constraints = _unique("tally_key_unique")


class TeamTally(TallyBase):
    """A team's figures, for its dashboard."""

    class Meta:
        constraints = _unique("team_tally_key_unique")


class TeamOutcomeTally(TallyBase):
    """Outcomes that mattered, by team and framework outcome: for a team's dashboard and
    the organisation report's team-by-framework-outcome table, which reads every team's."""

    class Meta:
        constraints = _unique("team_outcome_tally_key_unique")
        # For the outcomes started after a period (reports.tallies.stored_team_grid).
        indexes = [models.Index(fields=["organisation", "start"], name="team_outcome_tally_start")]


class TeamOutcomeSpan(TallyBase):
    """Outcomes by team and framework outcome, by the month they ended (``until``;
    ``OPEN`` while active) but not the month they started, nor the age band.

    The organisation report's team-by-framework-outcome table reads these: the
    outcomes that mattered in a period are those here that had not ended before it,
    less the few started after it (from ``TeamOutcomeTally``). Most outcomes are
    active, so a team's framework outcome is a row or a few, not one per month.
    """

    class Meta:
        constraints = _unique("team_outcome_span_key_unique")


class OrganisationTally(TallyBase):
    """The organisation's figures for all ages together (``age_band`` ``ALL_AGES``): the
    same as its ``Tally`` rows added up over the age bands, so that a report without an
    age band reads a sixth as many rows."""

    class Meta:
        constraints = _unique("organisation_tally_key_unique")


TALLY_MODELS = (Tally, OrganisationTally, TeamTally, TeamOutcomeTally, TeamOutcomeSpan)


def tally_model(team: int, figure: str, scope: str, age_band: str = "") -> type[TallyBase]:
    """Which table holds a tally."""
    if team == 0:
        return OrganisationTally if age_band == ALL_AGES else Tally
    if figure == "span":
        return TeamOutcomeSpan
    if figure == "mattered" and scope.startswith("outcome:"):
        return TeamOutcomeTally
    return TeamTally


class AgeBandBase(models.Model):
    """A record's age band: the person's age on the record's date, kept so that it
    outlives the date of birth (records.retention blanks it).

    Written whenever the tallies count the record while the date of birth is
    known, and read in place of it once the record is anonymised.
    """

    age_band = models.CharField(max_length=10)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.age_band


class OutcomeAgeBand(AgeBandBase):
    """The person's age band on the day the outcome was agreed."""

    outcome = models.OneToOneField(
        Outcome, primary_key=True, on_delete=models.CASCADE, related_name="report_age"
    )


class ReviewAgeBand(AgeBandBase):
    """The person's age band on the day of the review (its rating)."""

    review = models.OneToOneField(
        Review, primary_key=True, on_delete=models.CASCADE, related_name="report_age"
    )


class SharedExample(models.Model):
    """A review's story that the person agreed to share, with names, places and dates
    taken out, shown beside the organisation's figures without saying whose it is.

    The review itself is never changed: ``text`` is the manager's edited copy. The
    date is kept only to the quarter (``quarter_start``).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="shared_examples"
    )
    review = models.ForeignKey(
        "records.Review", on_delete=models.CASCADE, related_name="shared_examples"
    )
    text = models.TextField("the example, as it may be shared")
    person_agreed = models.BooleanField("the person agreed to share it")
    how_agreed = models.CharField("how the person agreed", max_length=300)
    quarter_start = models.DateField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_agreed=True), name="shared_example_person_agreed"
            ),
            models.CheckConstraint(
                condition=~models.Q(text="") & ~models.Q(how_agreed=""),
                name="shared_example_text_and_agreement",
            ),
            # One example in use per review; a withdrawn one may be replaced.
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="shared_example_once_per_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Shared example {self.pk}"

    @property
    def quarter(self) -> str:
        """The quarter the review was in, as precise as a shared example's date gets."""
        end = self.quarter_start.replace(month=self.quarter_start.month + 2)
        return f"{self.quarter_start:%b} to {end:%b %Y}"
