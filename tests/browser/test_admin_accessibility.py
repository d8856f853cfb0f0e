"""axe-core finds no WCAG 2.2 AA violation on any admin page, at 1280 and at 320 px wide, and none scrolls sideways at
320 px: for every model registered with admin, the project's and the third-party apps' alike, its changelist, its add
form (where admin allows adding), the change form and the history of one existing row, simple-history's view of one
version and the import and export pages where the model has them; the index pages, the login and password pages, and
a few pages in the state an administrator leaves them in (errors showing, choices open, a row added). Nothing is
excluded from the check. The pages are listed from admin's registry, so a newly registered model is checked without a
change here; each page is its own test, so a report names it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_static.models import StaticDevice
from import_export.admin import ExportMixin, ImportMixin
from playwright.sync_api import Page, expect
from simple_history.admin import SimpleHistoryAdmin

from accounts.tokens import api_token_create
from mail.outbox import outbox_enqueue
from mail.services import mail_preferences_update
from privacy.audit import access_record
from privacy.models import AccessAction
from stakeholders.models import Interaction, Organisation
from tests.browser.conftest import REFLOW_WIDTH, VIEWPORT, Site, assert_accessible, assert_reflows
from tests.factories import survey_invitation_mails

# The site only reads its data set, so its tests need the test database but not an empty one after each (conftest.site).
pytestmark = pytest.mark.django_db

NARROW = {"width": REFLOW_WIDTH, "height": 640}
# A stand-in superuser, enough for admin's permission checks while the tests are collected (no database yet).
COLLECTOR = RequestFactory().get("/admin/")
COLLECTOR.user = get_user_model()(is_active=True, is_staff=True, is_superuser=True)


@dataclass(frozen=True)
class AdminPage:
    name: str
    url: Callable[[dict[type[models.Model], models.Model]], str]  # from one existing row per registered model
    then: Callable[[Page], None] | None = None  # what the administrator does next, such as sending the form empty


def open_the_contacts_choices(page: Page) -> None:
    """Open the autocomplete's list of choices, which select2 draws at the end of the page."""
    page.locator("#id_contacts + .select2-container .select2-search__field").click()
    page.locator(".select2-results__option").first.wait_for()


def add_a_row(page: Page) -> None:
    """Add a row to the first inline table with its "add another" link."""
    inline = page.locator(".inline-related.tabular").first
    rows = inline.locator("tr.form-row:not(.empty-form)")
    before = rows.count()
    inline.locator(".add-row a").click()
    expect(rows).to_have_count(before + 1)


def send_the_form_empty(page: Page) -> None:
    page.locator("#content-main form input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()


def assert_accessible_when_narrow(page: Page) -> None:
    """At 320 px admin lays its pages out differently (its responsive.css): axe looks again there."""
    page.set_viewport_size(NARROW)
    try:
        assert_accessible(page)
    finally:
        page.set_viewport_size(VIEWPORT)


def _model_pages(model: type[models.Model], model_admin: admin.ModelAdmin) -> list[AdminPage]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    name = model._meta.label_lower

    def of_the_row(view: str) -> Callable[[dict], str]:
        return lambda rows: reverse(f"{prefix}_{view}", args=[rows[model].pk])

    pages = [AdminPage(f"{name}-changelist", lambda rows: reverse(f"{prefix}_changelist"))]
    if model_admin.has_add_permission(COLLECTOR):
        pages.append(AdminPage(f"{name}-add", lambda rows: reverse(f"{prefix}_add")))
    pages += [AdminPage(f"{name}-change", of_the_row("change")), AdminPage(f"{name}-history", of_the_row("history"))]
    if isinstance(model_admin, SimpleHistoryAdmin):
        # One stored version of the row, as simple-history shows it.
        pages.append(
            AdminPage(
                f"{name}-history-version",
                lambda rows: reverse(
                    f"{prefix}_simple_history", args=[rows[model].pk, rows[model].history.earliest().history_id]
                ),
            )
        )
    if isinstance(model_admin, ImportMixin):
        pages.append(AdminPage(f"{name}-import", lambda rows: reverse(f"{prefix}_import")))
    if isinstance(model_admin, ExportMixin):
        pages.append(AdminPage(f"{name}-export", lambda rows: reverse(f"{prefix}_export")))
    return pages


def _other_pages() -> list[AdminPage]:
    """The pages around the models' own: the administrator's password, a form with its errors showing, an
    autocomplete with its choices open, a form with a row added to its inline table, a filtered and searched list, a
    deletion to confirm."""
    organisations = "admin:stakeholders_organisation"
    return [
        AdminPage("password-change", lambda rows: reverse("admin:password_change")),
        AdminPage(
            "auth.user-password",
            lambda rows: reverse("admin:auth_user_password_change", args=[rows[get_user_model()].pk]),
        ),
        AdminPage(
            "stakeholders.organisation-add-errors",
            lambda rows: reverse(f"{organisations}_add"),
            then=send_the_form_empty,
        ),
        AdminPage(
            "stakeholders.interaction-change-choices-open",
            lambda rows: reverse("admin:stakeholders_interaction_change", args=[rows[Interaction].pk]),
            then=open_the_contacts_choices,
        ),
        AdminPage(
            "stakeholders.organisation-change-row-added",
            lambda rows: reverse(f"{organisations}_change", args=[rows[Organisation].pk]),
            then=add_a_row,
        ),
        AdminPage(
            "stakeholders.organisation-changelist-filtered",
            lambda rows: reverse(f"{organisations}_changelist") + "?q=gemeente&kind__exact=municipality",
        ),
        AdminPage(
            "stakeholders.organisation-delete",
            lambda rows: reverse(f"{organisations}_delete", args=[rows[Organisation].pk]),
        ),
    ]


def admin_pages() -> list[AdminPage]:
    registry = admin.site._registry
    apps = sorted({model._meta.app_label for model in registry})
    return [
        AdminPage("index", lambda rows: reverse("admin:index")),
        *(AdminPage(f"{app}-index", lambda rows, app=app: reverse("admin:app_list", args=[app])) for app in apps),
        *(page for model in sorted(registry, key=str) for page in _model_pages(model, registry[model])),
        *_other_pages(),
    ]


ADMIN_PAGES = admin_pages()


def _rows_admin_needs(site: Site) -> None:
    """Rows of the registered models that the site's data set (conftest.build_world) lacks."""
    users = get_user_model().objects.order_by("pk")
    root = users.get(username="root")
    api_token_create(
        user=root, name="Koppeling archief", read_only=True, expires_at=timezone.now() + timedelta(days=90)
    )
    mail_preferences_update(user=users.get(username="officer"), digest_frequency="weekly")
    outbox_enqueue(mails=survey_invitation_mails([site.world.contact]))
    request = RequestFactory().get("/admin/stakeholders/contact/", REMOTE_ADDR="127.0.0.1")
    request.user = root
    access_record(request=request, action=AccessAction.VIEW, contact=site.world.contact)
    # Those of the third-party apps, which have no services of ours.
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.create(minute="0", hour="7", day_of_week="1-5", timezone="Europe/Amsterdam")
    SolarSchedule.objects.create(event="sunrise", latitude="52.09", longitude="5.12")
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    PeriodicTask.objects.create(name="Voorbeeldtaak", task="crm.tasks.example", interval=every_day)
    attempt = {"user_agent": "Mozilla/5.0", "ip_address": "192.0.2.1", "username": "indringer", "path_info": "/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="username=indringer", failures_since_start=3)
    AccessLog.objects.create(**attempt, attempt_time=timezone.now())
    AccessFailureLog.objects.create(**attempt, attempt_time=timezone.now(), locked_out=True)
    if not StaticDevice.objects.exists():
        StaticDevice.objects.create(user=root, name="herstelcodes")
    if not Group.objects.exists():
        Group.objects.create(name="Beheerders")


@pytest.fixture(scope="module")
def rows(site, django_db_blocker) -> dict[type[models.Model], models.Model]:
    """One row of every registered model, the first in its list (the site empties the database after the module)."""
    with django_db_blocker.unblock():
        _rows_admin_needs(site)
        first = {model: model._default_manager.order_by("pk").first() for model in admin.site._registry}
    missing = [model._meta.label for model, row in first.items() if row is None]
    assert not missing, f"no row to show the change form of: {missing}"
    return first


@pytest.fixture(scope="module")
def admin_page(browser, site) -> Page:
    """One page for the whole sweep, signed in as the superuser, in a context of its own: `site_page` clears the
    cookies of the module's shared context."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", base_url=site.url)
    context.set_default_timeout(10_000)
    page = site.sign_in(context.new_page(), "superuser")
    yield page
    context.close()


@pytest.mark.parametrize("admin_page_under_test", ADMIN_PAGES, ids=lambda page: page.name)
def test_admin_page_has_no_accessibility_violations(admin_page_under_test, rows, admin_page):
    response = admin_page.goto(admin_page_under_test.url(rows))
    assert response.status == 200
    if admin_page_under_test.then:
        admin_page_under_test.then(admin_page)

    assert_accessible(admin_page)
    assert_reflows(admin_page)
    assert_accessible_when_narrow(admin_page)


def test_admin_login_has_no_accessibility_violations(site_page):
    site_page.goto("/admin/login/")
    expect(site_page.locator("#login-form")).to_be_visible()

    assert_accessible(site_page)
    assert_reflows(site_page)
    assert_accessible_when_narrow(site_page)
