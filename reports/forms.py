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
