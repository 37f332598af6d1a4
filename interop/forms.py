from django import forms

from accounts.models import Organisation

CHECK, IMPORT = "check", "import"


class PeopleImportForm(forms.Form):
    """The organisation (when the admin looks after more than one) and the file.

    ``action`` is the button pressed: check the file, or import it.
    """

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, label="Organisation"
    )
    file = forms.FileField(
        label="File of people",
        help_text="A CSV file (saved as “CSV UTF-8”) or an Excel workbook (.xlsx).",
        error_messages={"required": "Choose the file of people to check or import."},
    )
    action = forms.ChoiceField(
        choices=[(CHECK, "Check"), (IMPORT, "Import")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.only = organisations.first() if len(organisations) == 1 else None
        if self.only:
            del self.fields["organisation"]

    def chosen_organisation(self) -> Organisation:
        return self.only or self.cleaned_data["organisation"]
