from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.web.views import safe_next

from .forms import SecondFactorForm
from .security_log import password_change_refused
from .two_factor import totp_confirm, totp_device, totp_key_text, totp_qr_svg


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; a refused attempt goes to the security log (a success is logged when the password is saved)."""

    def form_invalid(self, form):
        password_change_refused(request=self.request)
        return super().form_invalid(form)
