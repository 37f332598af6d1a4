from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.models import Organisation
from common.forms import IdChoiceField, date_field
from frameworks.models import Band, Framework, FrameworkOutcome
from themes.models import Theme

from .periods import PERIOD_CHOICES, Period, period_from
from .selectors import AGE_BANDS, OrganisationFilters
from .stories import likely_identifiers


class QuickSelect(forms.Select):
    """A select written in one pass: Django's renders a template per option, which
    takes tens of milliseconds for the thousands of teams of a national organisation."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) == chosen else "", label) for v, label in self.choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attributes, options)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=PERIOD_CHOICES, required=False, initial="this_quarter", widget=QuickSelect
    )
    start = date_field("From (custom period)")
    end = date_field("To (custom period)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        try:
            data["resolved"] = period_from(
                data.get("period") or "this_quarter",
                timezone.localdate(),
                data.get("start"),
                data.get("end"),
            )
        except forms.ValidationError as error:
            self.add_error("start" if "start" in str(error) else None, error)
        return data

    def chosen_period(self) -> Period:
        """The chosen period, or this quarter when the choice is not valid."""
        if self.is_valid():
            return self.cleaned_data["resolved"]
        return period_from("this_quarter", timezone.localdate())


class OrganisationReportForm(PeriodForm):
    team = forms.ChoiceField(required=False, widget=QuickSelect)
    framework = forms.ChoiceField(required=False, widget=QuickSelect)
    framework_outcome = forms.ChoiceField(
        required=False, label="Framework outcome", widget=QuickSelect
    )
    age_band = forms.ChoiceField(
        required=False,
        label="Age band",
        choices=[("", "All ages"), *[(k, label) for k, label, _, _ in AGE_BANDS]],
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["team"].choices = [("", "All teams")] + [
            (str(pk), name)
            for pk, name in organisation.teams.order_by("name").values_list("pk", "name")
        ]
        frameworks = Framework.objects.filter(
            organisation=organisation, superseded_at__isnull=True
        ).order_by("name")
        self.fields["framework"].choices = [("", "All frameworks")] + [
            (str(f.lineage), f.name) for f in frameworks
        ]
        outcomes = (
            FrameworkOutcome.objects.filter(
                category__framework__organisation=organisation,
                category__framework__superseded_at__isnull=True,
            )
            .select_related("category__framework")
            .order_by("category__framework__name", "category__order", "order")
        )
        self.fields["framework_outcome"].choices = [("", "All framework outcomes")] + [
            (str(o.identity), f"{o.short_name} ({o.category.framework.name})") for o in outcomes
        ]
        self._lineage_of = {str(o.identity): str(o.category.framework.lineage) for o in outcomes}
        for name in ("team", "framework", "framework_outcome", "age_band"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("resolved"):
            # Organisation figures are kept by calendar month.
            data["resolved"] = data["resolved"].widened_to_whole_months()
        outcome, framework = data.get("framework_outcome"), data.get("framework")
        if outcome and framework and self._lineage_of.get(outcome) != framework:
            self.add_error(
                "framework_outcome",
                "That framework outcome is not in the chosen framework: choose one of its "
                "outcomes, or all framework outcomes.",
            )
        return data

    def extra_fields(self) -> list:
        return [self[name] for name in ("team", "framework", "framework_outcome", "age_band")]

    def filters(self) -> OrganisationFilters:
        if not self.is_valid():
            return OrganisationFilters()
        data = self.cleaned_data
        return OrganisationFilters(
            team=self.organisation.teams.get(pk=data["team"]) if data.get("team") else None,
            framework_lineage=data.get("framework") or None,
            framework_outcome_identity=data.get("framework_outcome") or None,
            age_band=data.get("age_band") or "",
        )


class NarrativeForm(PeriodForm):
    """Which reviews lie behind a figure: a framework outcome and band, or a theme."""

    identity = forms.UUIDField(required=False)
    band = forms.ChoiceField(choices=[("", ""), *Band.choices], required=False)
    kind = forms.ChoiceField(
        choices=[("", ""), ("helped", "helped"), ("hindered", "hindered")], required=False
    )
    theme = IdChoiceField(queryset=Theme.objects.none(), required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(organisation=organisation)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        if data.get("theme") and not data.get("kind"):
            self.add_error("kind", "Say whether the theme helped or got in the way.")
        if data.get("identity"):
            name = (
                FrameworkOutcome.objects.filter(
                    identity=data["identity"], category__framework__organisation=self.organisation
                )
                .order_by("-category__framework__version")
                .values_list("short_name", flat=True)
                .first()
            )
            if name is None:
                self.add_error("identity", "No such framework outcome.")
            data["identity_name"] = name or ""
        return data

    def figure(self) -> dict:
        """What the link asked for; ``Http404``-worthy problems are in ``figure_errors``."""
        return {
            "identity": self.cleaned_data.get("identity"),
            "identity_name": self.cleaned_data.get("identity_name", ""),
            "band": self.cleaned_data.get("band") or None,
            "theme": self.cleaned_data.get("theme"),
            "theme_kind": self.cleaned_data.get("kind") or "",
        }

    @property
    def figure_errors(self) -> bool:
        self.is_valid()
        return any(name in self.errors for name in ("identity", "band", "kind", "theme"))


class GridPageForm(forms.Form):
    """Where a page of the team-by-framework-outcome table starts (``?teams_from=``)."""

    teams_from = forms.IntegerField(min_value=0, required=False)

    def first(self) -> int:
        """The first row asked for, or 0 when the value is missing or not a row number."""
        return (self.cleaned_data["teams_from"] or 0) if self.is_valid() else 0


class ShareExampleForm(forms.Form):
    """A review's story as a shareable example: the person's agreement first, then the
    edited text. Words that may identify someone are flagged for the manager to check
    (``flags``); saving then needs ``checked``."""

    person_agreed = forms.BooleanField(
        label="The person agreed to their story being shared as an example, "
        "without their name or anything else that could identify them",
        error_messages={"required": "Share a story only after the person has agreed."},
    )
    how_agreed = forms.CharField(
        label="How and when they agreed",
        help_text="For example: asked at the review, agreed in person.",
        max_length=300,
        error_messages={"required": "Say how and when the person agreed."},
    )
    text = forms.CharField(
        label="The example, as it may be shared",
        help_text="Take out names, places, dates and anything else that could say who "
        "this is. The review itself is not changed.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
        error_messages={"required": "Write the example to share."},
    )
    checked = forms.BooleanField(
        required=False,
        label="I have checked the flagged words: none of them says who this is, or where",
    )
    # The words flagged when the manager ticked "checked": new ones need checking again.
    flagged = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        self.flags: list = []
        for _name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("text"):
            self.flags = likely_identifiers(data["text"], self.names)
            confirmed = data.get("checked") and data.get("flagged") == self.flag_key
            if self.flags and not confirmed:
                self.add_error(
                    "checked",
                    "Some words may say who this is or where: check each one flagged, "
                    "change the text if needed, then tick to confirm.",
                )
        return data

    @property
    def flag_key(self) -> str:
        """The flags shown, as the hidden ``flagged`` field carries them back."""
        return " | ".join(str(flag) for flag in self.flags)
