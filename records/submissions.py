"""Each create form is saved once, however often it is sent.

A create form carries a one-time key, made when the page is drawn. The save
claims the key in its own transaction: a second send of the same page (a double
click, the back button, two tabs sent at once) finds the key claimed and saves
nothing more. On PostgreSQL the second insert of a key waits for the first
transaction and then fails on the unique key; SQLite takes one writer at a time.
A save that is refused rolls its claim back, so the page can be sent again.
"""

import datetime
import uuid
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Submission


class AlreadySaved(Exception):
    """The form was sent before and saved then; nothing more was written."""


class SubmittedOnce(forms.Form):
    """A form whose page is saved once: mix into any create form."""

    submission = forms.CharField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "submission" in self.fields:
            # Whatever arrives is read as a key or ignored, never shown as an error.
            self.fields["submission"].validators = []

    def clean_submission(self) -> uuid.UUID | None:
        # A mangled key is no key: the save goes ahead as it would without one.
        try:
            return uuid.UUID(str(self.cleaned_data["submission"]))
        except ValueError:
            return None


def submission_key(form: forms.Form) -> uuid.UUID | None:
    """The form's key, taken out of its cleaned data so the rest can go to a service."""
    return form.cleaned_data.pop("submission", None)


@contextmanager
def saved_once(key: uuid.UUID | None):
    """One transaction around a create: it claims ``key`` first, and raises
    ``AlreadySaved`` if an earlier send of the same page has claimed it.

    A refusal (ValidationError) undoes the create and gives the key back, but
    keeps what the service recorded about the refusal itself (a refused CHI
    number's audit event), as it would be kept without this wrapper.
    """
    refused = None
    with transaction.atomic():
        if key is not None:
            try:
                with transaction.atomic():
                    Submission.objects.create(key=key)
            except IntegrityError:
                raise AlreadySaved from None
        try:
            # Each service is atomic itself: a refusal has already undone its writes.
            yield
        except ValidationError as error:
            refused = error
            Submission.objects.filter(key=key).delete()
    if refused is not None:
        raise refused


# A page is sent within days of being drawn; a key older than this guards nothing.
KEYS_KEPT_FOR = datetime.timedelta(days=7)


def submissions_forget_old() -> int:
    """Forget claimed keys older than ``KEYS_KEPT_FOR``; how many were forgotten.

    Run with the retention policy (``manage.py apply_retention``), so the keys
    do not pile up.
    """
    deleted, _ = Submission.objects.filter(created_at__lt=timezone.now() - KEYS_KEPT_FOR).delete()
    return deleted
