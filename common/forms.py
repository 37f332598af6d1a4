"""Form pieces every app's forms share: dates, long text, safe id choices, and
saving a versioned record without losing what was typed."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from .dates import DateRange
from .errors import ConflictError
from .ids import possible_id

SHORT_TEXT = 200
LONG_TEXT = 10_000


def date_field(
    label: str,
    *,
    required: bool = False,
    help_text: str = "",
    allowed: DateRange | None = None,
) -> forms.DateField:
    """A date input; ``allowed`` (``common.dates.HAPPENED`` or ``PLANNED``) is its range."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 23/11/2026."},
        validators=[allowed] if allowed else [],
    )


def text_area(label: str, *, required: bool = False, help_text: str = "", rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class IdChoiceField(forms.ModelChoiceField):
    """A model choice that refuses impossible ids with a message, on any database."""

    def to_python(self, value):
        if value not in self.empty_values and not possible_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices, refusing impossible ids with a message, on any database."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else [value]:
            if not possible_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


@dataclass
class SaveResult:
    form: forms.Form  # to show again when not saved, with what was typed
    saved: bool
    conflict: object = None  # the version someone else saved meanwhile


def save_versioned(form: forms.Form, save: Callable[[], object]) -> SaveResult:
    """Run ``save``; on a refusal or a concurrent change, keep what was typed.

    A refusal (ValidationError) is shown next to the fields. On a conflict the
    typed values are bound again on the other person's version, so saving once
    more, after checking, overwrites knowingly rather than silently.
    """
    try:
        save()
    except ConflictError as error:
        data = form.data.copy()
        data["version"] = str(error.current.version)
        rebound = type(form)(data, **getattr(form, "rebind_kwargs", {}))
        rebound.is_valid()
        return SaveResult(rebound, saved=False, conflict=error.current)
    except ValidationError as error:
        apply_service_errors(form, error)
        return SaveResult(form, saved=False)
    return SaveResult(form, saved=True)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the right fields of ``form``."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedForm(forms.Form):
    """Carries the version the user started from, so a later save can spot a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def initial_from(obj, fields: Iterable[str], **values) -> dict:
    """A form's starting values: each of ``fields`` as ``obj`` has it, unless given."""
    return {
        name: values[name] if name in values else getattr(obj, name) for name in fields
    } | values


def rows_of(formset, make: Callable, *, keep: Callable[[dict], object] = bool) -> list:
    """``make(**row)`` for each row of ``formset`` that ``keep`` accepts, in order.

    Rows left empty, or marked for deletion, are left out.
    """
    rows = []
    for form in formset.forms:
        row = {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        if row and not form.cleaned_data.get("DELETE") and keep(row):
            rows.append(make(**row))
    return rows
