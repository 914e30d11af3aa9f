from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Said on both correction forms: the next roster import writes the imported fields again.
IMPORT_OVERWRITES = _(
    "A roster import overwrites the fields it imports (names, student number, e-mail, "
    "grade, pathway, demographics) with the student information system's values: "
    "correct them there too, or the next import will undo this correction."
)


class StudentCorrectionForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=255)
    family_name = forms.CharField(label=_("Family name"), max_length=255)
    identifier = forms.CharField(label=_("Student number"), max_length=255, required=False)
    grade = forms.CharField(label=_("Grade"), max_length=10, required=False)
    pathway = forms.CharField(label=_("Pathway"), max_length=50, required=False)
    attributes = forms.JSONField(
        label=_("Attributes"),
        required=False,
        help_text=_('Pairs of a name and a value, e.g. {"ell": true, "iep": false}.'),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_attributes(self):
        value = self.cleaned_data.get("attributes")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(
                _('Write the attributes as pairs of a name and a value, e.g. {"ell": true}.')
            )
        return value


class AccountCorrectionForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)


class EraseForm(forms.Form):
    """Erasure asks the administrator to type the person's name, as a last check."""

    confirm = forms.CharField(label=_("Type the person's name to confirm"), max_length=300)

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self):
        typed = " ".join(self.cleaned_data["confirm"].split())
        if typed.casefold() != " ".join(self.expected.split()).casefold():
            raise forms.ValidationError(
                _("That is not the name. Type %(name)s exactly as shown to erase this person.")
                % {"name": self.expected}
            )
        return typed
