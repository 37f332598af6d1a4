"""Forms for each stage of a conversation: short steps, plain words."""

import uuid
from collections.abc import Sequence

from django import forms
from django.utils import timezone

from common.dates import HAPPENED, PLANNED
from common.forms import (
    LONG_TEXT,
    SHORT_TEXT,
    IdChoiceField,
    IdMultipleChoiceField,
    VersionedForm,
    date_field,
    text_area,
)
from frameworks.models import FrameworkOutcome
from records.forms import framework_choices, framework_outcome_choices
from records.services import next_review_check
from records.submissions import SubmittedOnce
from themes.models import Theme

from .models import Channel, ConversationKind, ParticipantKind


class StartForm(SubmittedOnce):
    kind = forms.ChoiceField(
        label="What kind of conversation",
        choices=ConversationKind.choices,
        widget=forms.RadioSelect,
        initial=ConversationKind.FIRST,
    )
    held_on = date_field("Date", required=True, allowed=HAPPENED)
    place = forms.CharField(
        max_length=SHORT_TEXT, required=False, help_text="For example: at home, by phone."
    )
    person_took_part = forms.BooleanField(
        label="The person took part", required=False, initial=True
    )
    key_people = IdMultipleChoiceField(
        label="Relatives or carers who took part",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label="How the person's view was gathered",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communication_support = text_area(
        "Communication support used", help_text="For example an interpreter, talking mats."
    )
    framework = forms.ChoiceField(
        label="The outcome framework that fits them",
        required=False,
        help_text="Agreeing an outcome offers only this framework's outcomes. It is kept "
        "on their record for next time.",
    )

    def __init__(self, *args, person, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_people"].queryset = person.key_people.all()
        self.fields["person_took_part"].label = f"{person.display_name} took part"
        self.fields["held_on"].initial = timezone.localdate()
        if not person.key_people.exists():
            del self.fields["key_people"]
        self.fields["framework"].choices = [
            ("", "Any of your organisation's frameworks"),
            *framework_choices(organisation_ids),
        ]
        # The person's usual ways of communicating, from their profile.
        self.fields["channels"].initial = list(person.engagement_channels)
        self.fields["framework"].initial = (
            str(person.framework_lineage) if person.framework_lineage else ""
        )

    def clean_framework(self) -> uuid.UUID | None:
        chosen = self.cleaned_data["framework"]
        return uuid.UUID(chosen) if chosen else None

    def clean_key_people(self) -> list:
        return list(self.cleaned_data["key_people"] or [])


class ViewForm(forms.Form):
    """What matters to one person who took part, and why."""

    what_matters = text_area("What matters to them", rows=3)
    why = text_area("Why", rows=2)
    in_own_words = forms.BooleanField(label="Written in their own words", required=False)


class OtherParticipantForm(ViewForm):
    """Someone else who took part, and, for a first conversation, what matters to them."""

    kind = forms.ChoiceField(
        label="Who",
        choices=[c for c in ParticipantKind.choices if c[0] != ParticipantKind.PERSON],
        required=False,
    )
    name = forms.CharField(max_length=SHORT_TEXT, required=False)
    role = forms.CharField(
        label="Relationship, discipline or organisation", max_length=SHORT_TEXT, required=False
    )

    field_order = ["kind", "name", "role", "what_matters", "why", "in_own_words"]

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or ParticipantKind.PRACTITIONER

    def clean(self):
        data = super().clean()
        # A row with no name is skipped; say so rather than drop what was written in it.
        written = any(data.get(name) for name in ("role", "what_matters", "why"))
        if written and not data.get("name"):
            self.add_error("name", "Give their name, or clear this row.")
        return data


OtherParticipantFormSet = forms.formset_factory(OtherParticipantForm, extra=3, max_num=20)


class PerspectiveForm(ViewForm):
    participant_id = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["participant_id", "what_matters", "why", "in_own_words"]


PerspectiveFormSet = forms.formset_factory(PerspectiveForm, extra=0, max_num=40)


class StrengthsForm(forms.Form):
    strengths_person = text_area(
        "The person's strengths, skills and resources",
        help_text="What they can do, what they know, what keeps them going.",
    )
    strengths_family = text_area("Family and friends: who helps, and how")
    strengths_community = text_area("Community: groups, places, neighbours")


class ExchangeForm(VersionedForm, StrengthsForm):
    pass


def suggestion_choices(organisation_ids: Sequence[int]) -> list:
    return [("", "No suggestion"), *framework_outcome_choices(organisation_ids)]


class CandidateForm(forms.Form):
    statement = forms.CharField(
        label="Possible outcome", max_length=LONG_TEXT, required=False, widget=forms.TextInput
    )
    suggested = forms.TypedChoiceField(
        label="Closest framework outcome (optional)",
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, organisation_ids: Sequence[int], suggestions: list, **kwargs):
        super().__init__(*args, **kwargs)
        # Worked out once for every row of the formset (``suggestion_choices``).
        self.fields["suggested"].choices = suggestions
        self.organisation_ids = organisation_ids

    def clean_suggested(self):
        pk = self.cleaned_data["suggested"]
        if pk is None:
            return None
        outcome = FrameworkOutcome.objects.filter(
            pk=pk,
            retired_at__isnull=True,
            category__framework__organisation__in=self.organisation_ids,
        ).first()
        if outcome is None:
            raise forms.ValidationError("Choose a current framework outcome.")
        return outcome


CandidateFormSet = forms.formset_factory(CandidateForm, extra=2, max_num=30)


class NegotiateForm(VersionedForm):
    differences = text_area(
        "Where views differ, and how it was talked through",
        rows=5,
        help_text="Record differing views honestly, including about risk.",
    )


class RiskForm(forms.Form):
    risk = text_area("The risk", rows=2)
    persons_view = text_area("The person's view", rows=2)
    agreed_reasonable = text_area("What was agreed as reasonable", rows=2)
    safeguards = text_area("Safeguards", rows=2)
    look_again_on = date_field("When to look at it again", allowed=PLANNED)

    def clean(self):
        data = super().clean()
        filled = any(data.get(f) for f in ("persons_view", "agreed_reasonable", "safeguards"))
        if filled and not data.get("risk"):
            self.add_error("risk", "Say what the risk is, or clear this section.")
        return data


RiskFormSet = forms.formset_factory(RiskForm, extra=1, max_num=20)


class AgreedOutcomeForm(SubmittedOnce):
    """One agreed outcome on one screen: the person's words, everyone's part, one
    framework outcome; what is rarely needed sits under "more"."""

    what_matters = text_area(
        "The agreed outcome", required=True, help_text="In the person's words, as they said it."
    )
    in_own_words = forms.BooleanField(
        label="These are the person's own words", required=False, initial=True
    )
    why_it_matters = text_area("Why it matters to them", rows=2)
    framework_outcome = IdChoiceField(
        label="Framework outcome it relates to",
        queryset=FrameworkOutcome.objects.none(),
        required=False,
        empty_label="None yet",
        help_text="Type its first letters to jump to it.",
    )
    person_contribution = text_area("What the person will do", rows=2)
    family_contribution = text_area("What family and friends will do", rows=2)
    practitioner_contribution = text_area("What practitioners will do", rows=2)
    next_review_on = date_field("Next review", allowed=PLANNED)
    # Under "more"
    also_relates_to = IdChoiceField(
        label="Another framework outcome it relates to",
        queryset=FrameworkOutcome.objects.none(),
        required=False,
        empty_label="None",
    )
    community_contribution = text_area("What the community will do", rows=2)

    MORE = ("also_relates_to", "community_contribution")

    def __init__(self, *args, organisation_ids: Sequence[int], lineage=None, **kwargs):
        initial = kwargs.get("initial") or {}
        chosen = list(initial.pop("framework_outcomes", []) or [])
        if chosen:
            initial["framework_outcome"] = _pk(chosen[0])
        if len(chosen) > 1:
            initial["also_relates_to"] = _pk(chosen[1])
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        offered = FrameworkOutcome.objects.filter(
            category__framework__organisation__in=organisation_ids
        )
        choices = framework_outcome_choices(organisation_ids, lineage)
        for name, empty in (("framework_outcome", "None yet"), ("also_relates_to", "None")):
            self.fields[name].queryset = offered
            self.fields[name].choices = [("", empty), *choices]

    @property
    def main_fields(self):
        return [self[name] for name in self.fields if name not in (*self.MORE, "submission")]

    @property
    def more_fields(self):
        return [self[name] for name in self.MORE]

    def typed(self, name: str) -> str:
        """What is in field ``name`` as the page stands: as typed, or as the page starts."""
        return str(self[name].value() or "")

    def chosen_framework_outcome(self) -> int | None:
        """The framework outcome chosen on the page as it stands, if it is one on offer."""
        value = str(self["framework_outcome"].value() or "")
        return int(value) if value and self.fields["framework_outcome"].valid_value(value) else None

    def clean(self):
        data = super().clean()
        chosen = [data.get("framework_outcome"), data.get("also_relates_to")]
        data["framework_outcomes"] = list(dict.fromkeys(fo for fo in chosen if fo))
        data.pop("framework_outcome", None)
        data.pop("also_relates_to", None)
        return data


def _pk(value):
    return getattr(value, "pk", value)


class AgreeForm(VersionedForm):
    not_agreed = text_area(
        "Anything still not agreed",
        rows=4,
        help_text="It stays in the record; nothing here is hidden.",
    )


class ReviewEntryForm(forms.Form):
    point = IdChoiceField(
        label="How far is it being achieved?",
        queryset=None,
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    narrative = text_area("How it is going, in the person's words and yours", rows=3)
    what_helped = text_area("What helped", rows=2)
    what_hindered = text_area("What got in the way", rows=2)
    unintended_outcomes = text_area("Anything not expected", rows=2)
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
    plan_needs_change = forms.BooleanField(label="The plan needs to change", required=False)
    plan_change = text_area("How the plan should change", rows=2)
    next_review_on = date_field("Next review", allowed=PLANNED)

    def __init__(self, *args, outcome, themes, reviewed_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        self.reviewed_on = reviewed_on
        for name in ("helped_themes", "hindered_themes"):
            if themes:
                # The view passes the themes as a list, loaded once for every outcome.
                self.fields[name].queryset = Theme.objects.filter(
                    pk__in=[t.pk for t in themes]
                ).order_by("name")
            else:
                del self.fields[name]
        self.fields["point"].queryset = outcome.scale.points.order_by("score")
        self.fields["point"].label_from_instance = lambda p: f"{p.score}: {p.label}"

    def clean_next_review_on(self):
        day = self.cleaned_data["next_review_on"]
        if day is not None:
            try:
                next_review_check(day, reviewed_on=self.reviewed_on)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["next_review_on"]) from None
        return day

    def clean(self):
        data = super().clean()
        # "The plan needs to change" with no words is fine when the steps were changed
        # on the page: the service checks both together.
        for name in ("helped_themes", "hindered_themes"):
            data[name] = tuple(data.get(name) or ())
        return data


class AddendumForm(SubmittedOnce):
    text = text_area("Correction or addition", required=True, rows=4)
    reason = text_area("Why it is being added", required=True, rows=2)


class CandidateChoiceForm(forms.Form):
    """Which of the conversation's candidates a new agreed outcome starts from (``?candidate=``).

    A value that is not one of them is ignored, like no choice at all.
    """

    candidate = IdChoiceField(queryset=None, required=False)

    def __init__(self, *args, conversation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = conversation.candidates.all()

    def chosen(self):
        return self.cleaned_data["candidate"] if self.is_valid() else None
