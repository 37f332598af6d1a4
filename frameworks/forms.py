"""Forms for configuring frameworks and scales: presentation and field checks only.

The framework page edits the whole framework at once (details, categories and
their outcomes) so that one save makes at most one new version. The rules are
checked by the services; their problems come back located like
``categories[1].outcomes[0].short_name`` and are shown next to the right field.
"""

import math
from collections.abc import Sequence

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.models import Organisation

from .models import Band, CategoryKind, Framework, RatingScale, ScaleKind
from .selectors import scales_for_choosing
from .specs import (
    NAME_LENGTH,
    TEXT_LENGTH,
    CategorySpec,
    FrameworkSpec,
    OutcomeSpec,
    PointSpec,
    ScaleSpec,
    framework_spec_of,
    scale_spec_of,
)

# The five Goal Attainment Scaling levels a new GAS scale starts with.
GAS_LEVELS = [
    (-2, "Much less than expected", Band.NOT_ACHIEVED),
    (-1, "Somewhat less than expected", Band.PARTLY_ACHIEVED),
    (0, "The expected level", Band.ACHIEVED),
    (1, "Somewhat more than expected", Band.ACHIEVED),
    (2, "Much more than expected", Band.ACHIEVED),
]


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        elif not isinstance(field.widget, forms.HiddenInput):
            field.widget.attrs.setdefault("class", "form-control")


def _position(form: forms.Form, index: int) -> tuple[float, int]:
    position = form.cleaned_data.get("position")
    return (position if position is not None else math.inf, index)


class FrameworkDetailsForm(forms.Form):
    name = forms.CharField(max_length=NAME_LENGTH)
    audience = forms.CharField(
        label="Who it is for",
        max_length=NAME_LENGTH,
        help_text="For example: adults who live in their own homes and get support to do so.",
    )
    description = forms.CharField(
        max_length=TEXT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scale = forms.ModelChoiceField(
        label="Rating scale",
        queryset=RatingScale.objects.none(),
        empty_label=None,
        help_text="What outcomes linked to this framework are rated on at each review.",
    )

    def __init__(
        self, *args, organisations: Sequence, keep_scale: RatingScale | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = scales_for_choosing(organisations, keep=keep_scale)
        several = len(organisations) > 1
        self.fields["scale"].label_from_instance = lambda s: (
            f"{s.name} ({s.get_kind_display()})" + (f", {s.organisation}" if several else "")
        )
        if several and keep_scale is None:
            self.fields["scale"].help_text += " The framework belongs to the scale's organisation."
        _styled(self)


def _organisation_field(form: forms.Form, organisations: Sequence) -> None:
    """Ask which organisation a new thing is for, when the admin looks after several."""
    if len(organisations) > 1:
        form.fields["organisation"] = forms.ModelChoiceField(
            label="Organisation",
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
            empty_label=None,
        )


def chosen_organisation(form: forms.Form, organisations: Sequence) -> Organisation:
    """The organisation a valid ``form`` is for: the one chosen, or the only one."""
    return form.cleaned_data.get("organisation") or organisations[0]


class CategoryForm(forms.Form):
    name = forms.CharField(label="Category name", max_length=NAME_LENGTH, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Choose…"), *CategoryKind.choices], required=False
    )
    position = forms.IntegerField(label="Position", min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("kind"):
            self.add_error("kind", "Choose what kind of category this is.")
        return data


class OutcomeRowForm(forms.Form):
    identity = forms.UUIDField(widget=forms.HiddenInput, required=False)
    short_name = forms.CharField(label="Short name", max_length=NAME_LENGTH, required=False)
    description = forms.CharField(
        label="Plain-language description", max_length=TEXT_LENGTH, required=False
    )
    position = forms.IntegerField(label="Position", min_value=1, required=False)
    retired = forms.BooleanField(label="Retired", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("identity") or data.get("short_name") or data.get("description"))


class StyledFormSet(forms.BaseFormSet):
    """Gives the formset's own "remove" checkbox the same look as the other fields."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


CategoryFormSet = forms.formset_factory(
    CategoryForm,
    formset=StyledFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=60,
)
OutcomeFormSet = forms.formset_factory(
    OutcomeRowForm,
    formset=StyledFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=300,
)


class FrameworkTreeForm:
    """The framework page: details, categories and each category's outcomes, as one form.

    ``spec()`` gives what the admin asked for, and ``show_errors()`` puts a
    service's located problems next to the fields they are about.
    """

    def __init__(self, data=None, *, organisations: Sequence, framework: Framework | None = None):
        spec = framework_spec_of(framework) if framework else None
        self.details = FrameworkDetailsForm(
            data,
            organisations=organisations,
            keep_scale=framework.scale if framework else None,
            initial={
                "name": framework.name,
                "audience": framework.audience,
                "description": framework.description,
                "scale": framework.scale_id,
            }
            if framework
            else {},
        )
        categories = spec.categories if spec else ()
        self.categories = CategoryFormSet(
            data,
            prefix="cat",
            initial=[
                {"name": c.name, "kind": c.kind, "position": i}
                for i, c in enumerate(categories, start=1)
            ],
        )
        if not framework:
            self.categories.extra = 2
        self.outcome_sets = []
        for i, _form in enumerate(self.categories.forms):
            outcomes = categories[i].outcomes if i < len(categories) else ()
            formset = OutcomeFormSet(
                data,
                prefix=f"cat-{i}-out",
                initial=[
                    {
                        "identity": o.identity,
                        "short_name": o.short_name,
                        "description": o.description,
                        "position": j,
                        "retired": o.retired,
                    }
                    for j, o in enumerate(outcomes, start=1)
                ],
            )
            if i >= len(categories):
                formset.extra = 4
            self.outcome_sets.append(formset)
        self.page_errors: list[str] = []
        self._category_forms: list[forms.Form] = []
        self._outcome_forms: list[list[forms.Form]] = []

    @property
    def groups(self) -> list[tuple[forms.Form, forms.BaseFormSet]]:
        return list(zip(self.categories.forms, self.outcome_sets, strict=True))

    @property
    def has_errors(self) -> bool:
        return bool(
            self.page_errors
            or self.details.errors
            or any(self.categories.errors)
            or self.categories.non_form_errors()
            or any(any(s.errors) or s.non_form_errors() for s in self.outcome_sets)
        )

    def is_valid(self) -> bool:
        valid = [self.details.is_valid(), self.categories.is_valid()]
        valid += [s.is_valid() for s in self.outcome_sets]
        return all(valid)

    def spec(self) -> FrameworkSpec:
        """What the admin asked for: blank rows left out, rows in the order of their positions."""
        details = self.details.cleaned_data
        chosen = []
        for index, (category_form, outcome_set) in enumerate(self.groups):
            data = category_form.cleaned_data
            rows = [
                (form, j)
                for j, form in enumerate(outcome_set.forms)
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
            ]
            if data.get("DELETE") or (not data.get("name") and not rows):
                continue
            rows.sort(key=lambda row: _position(row[0], row[1]))
            chosen.append((_position(category_form, index), category_form, [f for f, _ in rows]))
        chosen.sort(key=lambda item: item[0])
        self._category_forms = [form for _, form, _ in chosen]
        self._outcome_forms = [rows for _, _, rows in chosen]
        return FrameworkSpec(
            name=details["name"],
            audience=details["audience"],
            description=details["description"],
            categories=tuple(
                CategorySpec(
                    name=form.cleaned_data.get("name", ""),
                    kind=form.cleaned_data.get("kind", ""),
                    outcomes=tuple(
                        OutcomeSpec(
                            short_name=row.cleaned_data.get("short_name", ""),
                            description=row.cleaned_data.get("description", ""),
                            retired=row.cleaned_data.get("retired", False),
                            identity=row.cleaned_data.get("identity"),
                        )
                        for row in rows
                    ),
                )
                for form, rows in zip(self._category_forms, self._outcome_forms, strict=True)
            ),
        )

    def show_errors(self, error: ValidationError) -> None:
        """Show a service's problems next to the fields they are about (see module docstring)."""
        if not hasattr(error, "error_dict"):
            self.page_errors += error.messages
            return
        for location, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                if not self._place(location, message):
                    self.page_errors.append(message)

    def _place(self, location: str, message: str) -> bool:
        if location in self.details.fields:
            self.details.add_error(location, message)
            return True
        parts = _parse_location(location)
        if parts is None:
            return False
        category_index, outcome_index, name = parts
        try:
            form = self._category_forms[category_index]
            if outcome_index is not None:
                form = self._outcome_forms[category_index][outcome_index]
        except IndexError:
            return False
        form.add_error(name if name in form.fields else None, message)
        return True


def _parse_location(location: str) -> tuple[int, int | None, str] | None:
    """``categories[1].outcomes[2].short_name`` as ``(1, 2, "short_name")``."""
    if location == NON_FIELD_ERRORS or not location.startswith("categories["):
        return None
    try:
        head, _, rest = location.partition("].")
        category = int(head.removeprefix("categories["))
        if rest.startswith("outcomes["):
            index, _, name = rest.removeprefix("outcomes[").partition("]")
            return category, int(index), name.removeprefix(".")
        return category, None, rest
    except ValueError:
        return None


class ScaleDetailsForm(forms.Form):
    name = forms.CharField(max_length=NAME_LENGTH)
    kind = forms.ChoiceField(choices=ScaleKind.choices)
    description = forms.CharField(
        max_length=TEXT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations: Sequence = (), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_field(self, organisations)
        _styled(self)


class PointForm(forms.Form):
    score = forms.IntegerField(label="Score", required=False, min_value=-1000, max_value=1000)
    label = forms.CharField(label="Label", max_length=NAME_LENGTH, required=False)
    band = forms.ChoiceField(
        label="Report band", choices=[("", "Choose…"), *Band.choices], required=False
    )
    description = forms.CharField(label="Description", max_length=TEXT_LENGTH, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("score") is None and not data.get("label") and not data.get("band")

    def clean(self):
        data = super().clean()
        if self.is_blank() or data.get("DELETE"):
            return data
        if data.get("score") is None:
            self.add_error("score", "Give this point a score.")
        if not data.get("band"):
            self.add_error("band", "Choose the report band for this point.")
        return data


PointFormSet = forms.formset_factory(
    PointForm, formset=StyledFormSet, extra=2, can_delete=True, can_delete_extra=False, max_num=20
)


class ScaleForm:
    """A scale's details and points as one form; located problems go next to their fields."""

    def __init__(
        self,
        data=None,
        *,
        organisations: Sequence = (),
        scale: RatingScale | None = None,
        kind: str = "",
    ):
        spec = scale_spec_of(scale) if scale else None
        if spec:
            initial = {"name": spec.name, "kind": spec.kind, "description": spec.description}
            points = [vars(p) for p in spec.points]
        elif kind == ScaleKind.GAS:
            initial = {"name": "Goal Attainment Scaling", "kind": ScaleKind.GAS}
            points = [{"score": s, "label": label, "band": b} for s, label, b in GAS_LEVELS]
        else:
            initial, points = {"kind": ScaleKind.EXTENT}, []
        # A new scale is for one of the admin's organisations; a scale keeps its own.
        self.details = ScaleDetailsForm(
            data, initial=initial, organisations=() if scale else organisations
        )
        self.points = PointFormSet(data, prefix="points", initial=points)
        if not points:
            self.points.extra = 5
        self.page_errors: list[str] = []
        self._point_forms: list[forms.Form] = []

    @property
    def has_errors(self) -> bool:
        return bool(
            self.page_errors
            or self.details.errors
            or any(self.points.errors)
            or self.points.non_form_errors()
        )

    def is_valid(self) -> bool:
        return all([self.details.is_valid(), self.points.is_valid()])

    def spec(self) -> ScaleSpec:
        self._point_forms = [
            f
            for f in self.points.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()
        ]
        details = self.details.cleaned_data
        return ScaleSpec(
            name=details["name"],
            kind=details["kind"],
            description=details["description"],
            points=tuple(
                PointSpec(
                    score=f.cleaned_data["score"],
                    label=f.cleaned_data.get("label", ""),
                    band=f.cleaned_data["band"],
                    description=f.cleaned_data.get("description", ""),
                )
                for f in self._point_forms
            ),
        )

    def show_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.page_errors += error.messages
            return
        for location, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                if not self._place(location, message):
                    self.page_errors.append(message)

    def _place(self, location: str, message: str) -> bool:
        if location in self.details.fields:
            self.details.add_error(location, message)
            return True
        if not location.startswith("points["):
            return False
        index, _, name = location.removeprefix("points[").partition("]")
        try:
            form = self._point_forms[int(index)]
        except (ValueError, IndexError):
            return False
        name = name.removeprefix(".")
        form.add_error(name if name in form.fields else None, message)
        return True


class CopyForm(forms.Form):
    name = forms.CharField(
        label="Name of the new framework",
        max_length=NAME_LENGTH,
        help_text="It starts with the same categories and current outcomes; change it afterwards.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (JSON)",
        help_text="A file exported from this or another site, up to 1 MB.",
    )

    def __init__(self, *args, organisations: Sequence = (), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_field(self, organisations)
        _styled(self)


class ScaleStartForm(forms.Form):
    """The kind of scale the add-a-scale page starts from (``?kind=``); anything else is none."""

    kind = forms.ChoiceField(choices=ScaleKind.choices, required=False)

    def chosen(self) -> str:
        return self.cleaned_data["kind"] if self.is_valid() else ""
