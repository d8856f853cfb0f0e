from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.web.forms import errors_to_form

from .forms import MailPreferencesForm
from .models import MailPreferences
from .outbox import opt_out_read
from .services import mail_opt_out, mail_preferences_update


@login_required
def mail_preferences(request):
    """The mails a user of the product gets, and in which language."""
    form = MailPreferencesForm(request.POST or None, instance=MailPreferences.of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            mail_preferences_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("mail-preferences")
    return render(request, "crm/mail_preferences.html", {"form": form})


# Mail clients post the RFC 8058 one-click opt-out without a CSRF token; the signed token is the credential.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request, token):
    """A GET only asks (link scanners follow links); the button, or a mail client's one-click POST, opts out."""
    recipient = opt_out_read(token)
    if recipient is None:
        return render(request, "mail/opt_out_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "mail/opt_out_confirm.html")
    language = mail_opt_out(recipient=recipient)
    with translation.override(language):
        return render(request, "mail/opt_out_done.html")
