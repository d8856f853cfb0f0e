from django import forms
from django.utils.translation import gettext_lazy as _

from crm.web.forms import StyledForm


class SecondFactorForm(StyledForm):
    code = forms.RegexField(
        # Six digits from the app, or a recovery code ("abcd-efgh", accounts/two_factor.py).
        regex=r"^\s*([0-9]{6}|[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4})\s*$",
        label=_("Code from your authenticator app"),
        help_text=_(
            "Six digits; a new code appears every 30 seconds. Lost your phone? Type one of your recovery codes."
        ),
        error_messages={"invalid": _("Type the six digits your app shows, or a recovery code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class AppCodeForm(StyledForm):
    """A fresh code from the app, asked again before a change that a stolen session must not make."""

    code = forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        error_messages={"invalid": _("Type the six digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
