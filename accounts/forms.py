from django import forms
from django.utils.translation import gettext_lazy as _

from crm.web.forms import StyledForm


class SecondFactorForm(StyledForm):
    code = forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        error_messages={"invalid": _("Type the six digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
