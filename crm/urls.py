from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from accounts import passkeys
from accounts.views import (
    PasswordChangeView,
    two_factor,
    two_factor_enrol,
    two_factor_recovery_codes,
    two_factor_settings,
)
from crm import health
from crm.api.problems import not_found, server_error
from crm.web.views import page_prose
from mail.views import mail_preferences, opt_out
from stakeholders.views import dashboard

admin.site.site_header = _("Stakeholder relations: administration")
admin.site.site_title = _("Stakeholder relations")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", dashboard, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweestapsverificatie/", two_factor, name="two-factor"),
    path("tweestapsverificatie/koppelen/<str:token>/", two_factor_enrol, name="two-factor-enrol"),
    path("tweestapsverificatie/herstelcodes/", two_factor_recovery_codes, name="two-factor-recovery-codes"),
    path("tweestapsverificatie/beheer/", two_factor_settings, name="two-factor-settings"),
    path("tweestapsverificatie/passkeys/", include(passkeys)),
    path("wachtwoord/", PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("instellingen/", mail_preferences, name="mail-preferences"),
    path("toegankelijkheid/", page_prose("accessibility", _("Accessibility statement")), name="accessibility"),
    path("privacy/", page_prose("privacy", _("Privacy notice")), name="privacy"),
    path("", include("stakeholders.urls")),
    path("mail/stop/<str:token>/", opt_out, name="mail-opt-out"),
    path("", include("surveys.urls")),
    path("", include("steering.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("api/v1/docs", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api-docs"),
    path("api/v1/", include("stakeholders.api.urls")),
    path("api/v1/", include("surveys.api.urls")),
    path("api/v1/", include("steering.api.urls")),
    # Last: any other address under /api/ answers the API's problem+json 404, also with DEBUG on (where Django would
    # answer its HTML debug page instead of calling handler404). It writes nothing, so no CSRF check (which would
    # answer a PATCH with a session cookie with an HTML 403 instead).
    re_path(r"^api/", csrf_exempt(not_found), name="api-not-found"),
]

handler404 = not_found
handler500 = server_error
