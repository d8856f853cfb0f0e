from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .outbox import mail_opt_out, opt_out_read


@login_required
def home(request):
    return render(request, "home.html")


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
