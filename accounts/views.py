from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp_webauthn.models import WebAuthnCredential

from crm.web.views import safe_next

from .enrolment import enrolment_finish, enrolment_granted, enrolment_link_redeem, enrolment_link_send
from .forms import AppCodeForm, SecondFactorForm
from .security_log import password_change_refused
from .two_factor import (
    recovery_codes_issue,
    recovery_codes_left,
    second_factor_confirm,
    second_factor_enrolled,
    totp_check,
    totp_confirm,
    totp_device,
    totp_key_text,
    totp_qr_svg,
)

RECOVERY_CODES_SESSION_KEY = "second_factor_recovery_codes"
LINK_SENT_SESSION_KEY = "second_factor_link_sent"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Confirm this login with a code or a passkey; or, for a user without a device, set one up (after the mailed
    link) or learn that a link is on its way."""
    user = request.user
    next_url = request.GET.get("next", request.POST.get("next", ""))
    if not second_factor_enrolled(user):
        if enrolment_granted(request):
            return _set_up(request, next_url)
        return _link_sent(request, next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_confirm(request=request, code=form.cleaned_data["code"]):
            return redirect(safe_next(request, fallback=reverse("home")))
        form.add_error("code", _("This code is not right or has expired. Type the code your app shows now."))
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    context = {"form": form, "next": next_url, "has_passkey": has_passkey}
    return render(request, "registration/two_factor.html", context)


def _set_up(request, next_url: str):
    """The session opened the mailed link: show the app's QR code and key, and confirm the first code."""
    device, _setting_up = totp_device(user=request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            enrolment_finish(request)
            request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_issue(user=request.user, request=request)
            return redirect(f"{reverse('two-factor-recovery-codes')}?{urlencode({'next': next_url})}")
        form.add_error("code", _("This code is not right or has expired. Type the code your app shows now."))
    context = {"form": form, "next": next_url, "qr_svg": totp_qr_svg(device), "key": totp_key_text(device)}
    return render(request, "registration/two_factor_set_up.html", context)


def _link_sent(request, next_url: str):
    """No device and no link opened: the password alone sets nothing up. The first visit mails a link; the
    button mails another, at most one in each SECOND_FACTOR_LINK_RESEND_SECONDS."""
    user = request.user
    if request.method == "POST":
        if enrolment_link_send(user=user):
            messages.success(request, _("We have mailed you a new link."))
        else:
            messages.warning(
                request, _("We mailed you a link a few minutes ago. Look in your mail, or try again later.")
            )
        return redirect(f"{reverse('two-factor')}?{urlencode({'next': next_url})}")
    if not request.session.get(LINK_SENT_SESSION_KEY):
        enrolment_link_send(user=user)
        request.session[LINK_SENT_SESSION_KEY] = True
    return render(request, "registration/two_factor_link_sent.html", {"next": next_url, "address": user.email})


@login_required
@require_GET
def two_factor_enrol(request, token):
    """The mailed link: opened by its own user, once, it lets this session set up a device."""
    if second_factor_enrolled(request.user):
        return redirect("two-factor-settings")
    if not enrolment_link_redeem(request=request, token=token):
        return render(request, "registration/two_factor_link_invalid.html", status=404)
    return redirect("two-factor")


@login_required
@require_GET
def two_factor_recovery_codes(request):
    """The new recovery codes, shown once: they are in the session only until this page shows them."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two-factor-settings")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next_url": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """The user's devices: the app, passkeys (add, remove) and recovery codes (how many are left, new ones)."""
    user = request.user
    enrolled = second_factor_enrolled(user)
    if enrolled and not user.is_verified():
        # Someone who may log in without the second step (a liaison officer) still passes it before changing it.
        return redirect(f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}")
    app, _setting_up = totp_device(user=user, create=False)
    app = app if app is not None and app.confirmed else None
    form = AppCodeForm(request.POST if "renew_codes" in request.POST else None)
    if request.method == "POST" and "remove_passkey" in request.POST:
        removed = [
            credential.delete()
            for credential in WebAuthnCredential.objects.filter(user=user, pk=request.POST["remove_passkey"])
        ]
        if removed:
            messages.success(request, _("The passkey has been removed."))
        return redirect("two-factor-settings")
    if request.method == "POST" and form.is_valid() and app is not None:
        if totp_check(device=app, code=form.cleaned_data["code"]):
            request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_issue(user=user, request=request)
            return redirect(
                f"{reverse('two-factor-recovery-codes')}?{urlencode({'next': reverse('two-factor-settings')})}"
            )
        form.add_error("code", _("This code is not right or has expired. Type the code your app shows now."))
    context = {
        "enrolled": enrolled,
        "app": app,
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"),
        "codes_left": recovery_codes_left(user=user),
        "form": form,
    }
    return render(request, "registration/two_factor_settings.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; a refused attempt goes to the security log (a success is logged when the password is saved)."""

    def form_invalid(self, form):
        password_change_refused(request=self.request)
        return super().form_invalid(form)
