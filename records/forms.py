"""Forms for person records: presentation and field checks; rules live in services."""

from collections.abc import Sequence

from django import forms
from django.utils import timezone

from common.dates import HAPPENED, PLANNED
from common.forms import (
    SHORT_TEXT,
    IdChoiceField,
    IdMultipleChoiceField,
    VersionedForm,
    date_field,
    rows_of,
    text_area,
)
from frameworks.models import Framework, FrameworkOutcome, ScaleKind
from frameworks.selectors import outcomes_for_recording

from .models import EngagementChannel, OutcomeStatus
from .services import ActionData, KeyPersonData, next_review_suggested
from .submissions import SubmittedOnce


class PersonForm(SubmittedOnce, VersionedForm):
    full_name = forms.CharField(max_length=SHORT_TEXT)
    preferred_name = forms.CharField(
        max_length=100, required=False, help_text="What they like to be called."
    )
    date_of_birth = date_field("Date of birth (optional)", allowed=HAPPENED)
    chi_number = forms.CharField(
        label="CHI number (optional)",
        max_length=20,
        required=False,
        help_text="10 digits, for example 0101501234.",
    )
    communication_needs = text_area(
        "Communication needs",
        help_text="For example hearing, sight, language, or the time of day that suits them.",
    )
    engagement_channels = forms.MultipleChoiceField(
        label="How they prefer to share their views",
        choices=EngagementChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    engagement_notes = text_area("Anything else about how to involve them")

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["submission"]  # changing a record is versioned instead
        else:
            # Adding a person: choose caseloads; the version starts at 1.
            self.fields["teams"] = IdMultipleChoiceField(
                label="Caseloads they join",
                queryset=teams,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Choose at least one team."},
            )
            self.fields["version"].required = False
            if teams.count() == 1:
                self.fields["teams"].initial = list(teams)


class KeyPersonForm(forms.Form):
    name = forms.CharField(max_length=SHORT_TEXT, required=False)
    relationship = forms.CharField(max_length=100, required=False)
    contact = forms.CharField(label="How to contact them", max_length=300, required=False)
    may_speak_for_person = forms.BooleanField(
        label="May speak on the person's behalf", required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("relationship"):
            self.add_error("relationship", "Say how they are related to the person.")
        if not data.get("name") and (data.get("relationship") or data.get("contact")):
            self.add_error("name", "Enter their name, or clear this row.")
        return data


KeyPersonFormSet = forms.formset_factory(KeyPersonForm, extra=2, can_delete=True, max_num=30)


def framework_choices(organisation_ids: Sequence[int]) -> list:
    """The organisations' current frameworks, by lineage, named with who each is for."""
    frameworks = (
        Framework.objects.filter(
            organisation__in=organisation_ids, retired_at__isnull=True, superseded_at__isnull=True
        )
        .order_by("name", "pk")
        .values_list("lineage", "name", "audience")
    )
    return [(str(lineage), f"{name} ({audience})") for lineage, name, audience in frameworks]


def framework_outcome_choices(organisation_ids: Sequence[int], lineage=None) -> list:
    """The organisations' current framework outcomes grouped as "framework: category",
    in framework order; only the framework of ``lineage`` when it is given."""
    groups: dict[str, list] = {}
    offered = outcomes_for_recording(organisation_ids)
    if lineage:
        offered = offered.filter(category__framework__lineage=lineage)
    for fo in offered:
        label = f"{fo.category.framework.name}: {fo.category.name}"
        groups.setdefault(label, []).append((fo.pk, fo.short_name))
    return list(groups.items())


class OutcomeForm(SubmittedOnce, VersionedForm):
    what_matters = text_area(
        "What matters to them",
        required=True,
        help_text="In their own words, as they said it.",
    )
    in_own_words = forms.BooleanField(
        label="These are the person's own words",
        required=False,
        initial=True,
        help_text="Untick if this is someone else's account of what matters.",
    )
    why_it_matters = text_area("Why it matters to them")
    framework_outcomes = IdMultipleChoiceField(
        label="Framework outcomes it relates to",
        queryset=FrameworkOutcome.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="These let the outcome be counted in reports; the words above stay theirs.",
    )
    contribution = text_area("What the person and their family will do")
    gas_weight = forms.IntegerField(
        label="Weight in the goal attainment score",
        required=False,
        min_value=1,
        max_value=100,
        initial=1,
        help_text=(
            "Only for outcomes rated on a Goal Attainment Scaling scale: how much this "
            "outcome counts in the person's T-score, from 1 to 100. Leave it at 1 if "
            "every outcome counts the same."
        ),
        error_messages={
            "invalid": "Give the weight as a whole number from 1 to 100.",
            "min_value": "The weight must be at least 1.",
            "max_value": "The weight can be at most 100.",
        },
    )
    next_review_on = date_field("Next review", allowed=PLANNED)
    started_on = date_field("Agreed on", allowed=HAPPENED)
    status = forms.ChoiceField(choices=OutcomeStatus.choices, initial=OutcomeStatus.ACTIVE)
    status_changed_on = date_field(
        "Date achieved or stopped", help_text="Only if no longer active.", allowed=HAPPENED
    )

    def __init__(
        self,
        *args,
        organisation_ids: Sequence[int],
        creating: bool = False,
        linked=(),
        lineage=None,
        gas: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Only the frameworks of the organisations supporting the person, on the page
        # and when the choice is checked; only the person's own framework if they have one.
        self.fields["framework_outcomes"].queryset = FrameworkOutcome.objects.filter(
            category__framework__organisation__in=organisation_ids
        )
        choices = framework_outcome_choices(organisation_ids, lineage)
        if not gas:
            # The weight counts only on a Goal Attainment Scaling scale.
            del self.fields["gas_weight"]
        # Links to a retired or superseded framework outcome stay on offer (and
        # ticked) for the outcome that has them, so saving never drops them.
        offered = {pk for _, group in choices for pk, _ in group}
        kept = [
            (fo.pk, f"{fo.short_name} (no longer offered)") for fo in linked if fo.pk not in offered
        ]
        if kept:
            choices.append(("Linked before", kept))
        self.fields["framework_outcomes"].choices = choices
        if creating:
            del self.fields["status"]
            del self.fields["status_changed_on"]
            self.fields["version"].required = False
            self.fields["started_on"].initial = timezone.localdate()
        else:
            del self.fields["started_on"]
            del self.fields["submission"]

    def clean_gas_weight(self):
        return self.cleaned_data["gas_weight"] or 1


def uses_gas(organisation_ids: Sequence[int], lineage=None) -> bool:
    """Whether any framework on offer rates on a Goal Attainment Scaling scale."""
    offered = Framework.objects.filter(
        organisation__in=organisation_ids, retired_at__isnull=True, superseded_at__isnull=True
    )
    if lineage:
        offered = offered.filter(lineage=lineage)
    return offered.filter(scale__kind=ScaleKind.GAS).exists()

    def clean_framework_outcomes(self):
        # ModelMultipleChoiceField checks existence; the grouped choices above also
        # keep retired outcomes out of the page. The service re-checks.
        return list(self.cleaned_data["framework_outcomes"])


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What will happen", max_length=2000, required=False, widget=forms.TextInput
    )
    who = forms.CharField(max_length=300, required=False)
    when = forms.CharField(
        max_length=200, required=False, help_text='In words, for example "every Sunday".'
    )
    due_on = date_field(
        "Due by (optional)",
        allowed=PLANNED,
        help_text="A date shows the step on your home page as it falls due.",
    )
    where = forms.CharField(max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("description") and any(
            data.get(f) for f in ("who", "when", "due_on", "where")
        ):
            self.add_error("description", "Say what will happen, or clear this row.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=2, can_delete=True, max_num=30)


def actions_from_formset(formset) -> list[ActionData]:
    """The filled-in, not-deleted action rows as service data."""
    return rows_of(formset, ActionData, keep=lambda row: row["description"])


def key_people_from_formset(formset) -> list[KeyPersonData]:
    """The filled-in, not-deleted key people as service data."""
    return rows_of(formset, KeyPersonData, keep=lambda row: row["name"])


class ReviewForm(SubmittedOnce):
    reviewed_on = date_field("Date of the review", required=True, allowed=HAPPENED)
    point = IdChoiceField(
        label="How far is it being achieved?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a rating."},
    )
    narrative = text_area("How it is going, in the person's words and yours", rows=4)
    what_helped = text_area("What helped")
    what_hindered = text_area("What got in the way")
    unintended_outcomes = text_area("Anything that happened that was not expected")
    plan_needs_change = forms.BooleanField(label="The plan needs to change", required=False)
    plan_change = text_area("How the plan should change")
    helped_themes = IdMultipleChoiceField(
        label="Themes of what helped",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hindered_themes = IdMultipleChoiceField(
        label="Themes of what got in the way",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    views_included = forms.CharField(
        label="Whose views are included",
        max_length=1000,
        required=False,
        help_text="For example: Iris, her daughter Ann, the district nurse.",
    )

    def __init__(self, *args, scale, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = scale.points.order_by("score")
        for name in ("helped_themes", "hindered_themes"):
            if themes.exists():
                self.fields[name].queryset = themes
            else:
                del self.fields[name]
        self.fields["point"].label_from_instance = lambda p: f"{p.score}: {p.label}"
        self.fields["reviewed_on"].initial = timezone.localdate()


class NewReviewForm(ReviewForm):
    channels = forms.MultipleChoiceField(
        label="How the person's view was gathered",
        choices=EngagementChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked from how they prefer to share their views; change it for this review.",
    )
    next_review_on = date_field(
        "Next review",
        allowed=PLANNED,
        help_text="Suggested from how often this outcome is usually reviewed; change it if "
        "you agreed another date.",
    )

    def __init__(self, *args, outcome, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault(
            "next_review_on", next_review_suggested(outcome, reviewed_on=today)
        )
        # The person's usual ways of communicating, from their profile.
        kwargs["initial"].setdefault("channels", list(outcome.person.engagement_channels))
        super().__init__(*args, scale=outcome.scale, **kwargs)


class AmendReviewForm(ReviewForm):
    reason = text_area("Why this review is being corrected", required=True)


class TeamsForm(VersionedForm):
    """Which of the user's teams have the person on their caseload."""

    teams = IdMultipleChoiceField(
        label="Your teams whose caseload they are on",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # they may stay on other teams' caseloads only
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.rebind_kwargs = {"teams": teams}


class CloseForm(forms.Form):
    closed_on = date_field("Date support ended", required=True, allowed=HAPPENED)
    reason = text_area("Why support has ended", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or CHI number", required=False, max_length=200)
    team = IdChoiceField(label="Team", queryset=None, required=False, empty_label="All your teams")
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[("name", "Name"), ("next_review", "Next review date")],
        required=False,
    )
    closed = forms.ChoiceField(
        label="Records",
        choices=[("", "Open records"), ("1", "Closed records")],
        required=False,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        for name in ("team", "sort", "closed"):
            self.fields[name].widget.attrs["class"] = "form-select"
