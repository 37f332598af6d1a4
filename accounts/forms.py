"""Forms for the second sign-in step: a code from the app, or a recovery code."""

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="The 6-digit code the app now shows for Personal outcomes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
