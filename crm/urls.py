from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from crm import api, health, views
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
    path("tweestapsverificatie/", views.two_factor, name="two-factor"),
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("instellingen/", views.mail_preferences, name="mail-preferences"),
    path("toegankelijkheid/", views.page_prose("accessibility", _("Accessibility statement")), name="accessibility"),
    path("privacy/", views.page_prose("privacy", _("Privacy notice")), name="privacy"),
    path("", include("stakeholders.urls")),
    path("mail/stop/<str:token>/", views.opt_out, name="mail-opt-out"),
    path("", include("surveys.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("api/v1/docs", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api-docs"),
    path("api/v1/", include("stakeholders.api.urls")),
    path("api/v1/", include("surveys.api.urls")),
]

handler404 = api.not_found
handler500 = api.server_error
