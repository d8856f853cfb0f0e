from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError as FilterValidationError

from .forms import MailPreferencesForm, SecondFactorForm, errors_to_form, widgets_mark_invalid, widgets_style
from .models import MailPreferences
from .outbox import mail_opt_out, opt_out_read
from .services import mail_preferences_update
from .two_factor import totp_confirm, totp_device, totp_key_text, totp_qr_svg

PAGE_SIZE = 25


def allowed(*permissions: str):
    """A page for signed-in users with these permissions: a visitor goes to the login page, anyone else gets 403."""

    def decorator(view):
        return wraps(view)(login_required(permission_required(permissions, raise_exception=True)(view)))

    return decorator


def filtered_page(
    request, *, filterset_class, queryset, page_size: int | None = PAGE_SIZE, widgets: dict | None = None
) -> tuple:
    """A list page's filter form (the API's own FilterSet) and the requested page of its results (all of them
    without a page size). `widgets` replaces a filter's widget on the page, e.g. a list to pick from.

    An invalid filter value shows its error beside the field and leaves that filter out, as a form would.
    """
    filterset = filterset_class(data=request.GET or None, queryset=queryset, request=request)
    for name, widget in (widgets or {}).items():
        filterset.form.fields[name].widget = widget
    try:
        results = filterset.qs
    except FilterValidationError as error:
        # The strict sort filter refuses malformed input with the API's exception; here it is a field error.
        for name, messages in error.detail.items():
            filterset.form.add_error(name if name in filterset.form.fields else None, list(messages))
        results = queryset.none()
    widgets_style(filterset.form)
    widgets_mark_invalid(filterset.form)
    page: Page | QuerySet = Paginator(results, page_size).get_page(request.GET.get("page")) if page_size else results
    return filterset, page


def safe_next(request, *, fallback: str) -> str:
    """The `next` address a form was posted with, if it stays on this site; else the fallback."""
    next_url = request.POST.get("next", "")
    return next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) else fallback


def page_prose(page: str, title: str):
    """A page of text in the visitor's language, open to everyone (the accessibility statement, the privacy notice);
    its text is templates/pages/<page>.<language>.html."""

    def view(request):
        return render(request, "pages/prose.html", {"page": page, "title": title})

    return view


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


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up an authenticator app (a QR code and the key to type), or confirm this login with its code."""
    device, setting_up = totp_device(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            return redirect(safe_next(request, fallback=reverse("home")))
        form.add_error("code", _("This code is not right or has expired. Type the code your app shows now."))
    context = {"form": form, "setting_up": setting_up, "next": request.GET.get("next", request.POST.get("next", ""))}
    if setting_up:
        context |= {"qr_svg": totp_qr_svg(device), "key": totp_key_text(device)}
    return render(request, "registration/two_factor.html", context)


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
