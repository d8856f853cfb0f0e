"""Browser tests: Playwright drives Debian's chromium against the live server; axe-core checks accessibility.

No browser is downloaded (`make test` installs /usr/bin/chromium) and axe-core comes from node_modules (`npm ci`).
"""

import functools
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts import roles
from accounts.enrolment import GRANT_SESSION_KEY
from accounts.two_factor import recovery_codes_issue
from accounts.views import RECOVERY_CODES_SESSION_KEY
from mail.outbox import opt_out_token
from stakeholders.models import Contact, FollowUpAction, Organisation, Tier
from stakeholders.services import organisation_outreach_refresh
from surveys.models import Answer, Invitation, Response, SurveyRound
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    InvitationFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    questionnaire_with_questions,
)
from tests.sessions import SignedInClient
from tests.surveys.helpers import personal_link

HERE = Path(__file__).resolve().parent
AXE = HERE.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The machine has a closed network: without these flags chromium keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # This hook sees the whole session's items, so mark only those in this folder.
    browser_items = [item for item in items if item.path.is_relative_to(HERE)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    # After pytest-django's order (tests in a transaction, then those that empty the database afterwards): the
    # browser tests last, those on a shared site (`site`, below) at the very end, since it empties the database
    # after its module too, and before that the other tests would see its data.
    items[:] = [item for item in items if item not in browser_items] + sorted(
        browser_items, key=lambda item: "site" in item.fixturenames
    )


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The users' passwords are hashed at once rather than slowly and safely: each test makes several users."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="package")
def browser():
    """One chromium for the browser tests. Package scope, not session: Playwright's sync API keeps an asyncio loop
    running in the test thread while it lives, and the tests after these must not run beside that loop."""
    with pytest.MonkeyPatch.context() as patch:
        # The running loop makes Django's ORM refuse to work in the test thread (SynchronousOnlyOperation).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        playwright.stop()


@pytest.fixture(scope="package")
def browser_context(browser, live_server):
    """One context for all browser tests: a new one per test costs more than the rest of a short test, and the
    stylesheets stay in its cache. Each test clears its cookies (page)."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A new page in the shared context, without cookies: nobody signed in, no language chosen."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    yield page
    page.close()


def session_of(user, *, second_factor: bool = True, **values) -> str:
    """A signed-in session of user, made by Django's test client (past the second factor unless told otherwise,
    holding these values): the value of its cookie."""
    client = SignedInClient() if second_factor else Client()
    client.force_login(user)
    if values:
        session = client.session
        session.update(values)
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_session(page: Page, session: str, url: str) -> Page:
    # Outside production the session cookie is not Secure, so chromium sends it to the plain-http live server.
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}])
    return page


@pytest.fixture
def logged_in(page, live_server):
    """logged_in(user) signs the browser in as user without the login form, and returns the page."""
    return lambda user: with_session(page, session_of(user), live_server.url)


def axe_violations(page: Page) -> list[dict]:
    """The WCAG 2.2 AA violations axe-core finds on the whole page."""
    # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not stop (a script tag
    # would need 'unsafe-inline'); the policy stays on, so the checks see the pages as users do.
    page.evaluate(_axe_source())
    return page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations)",
        WCAG_TAGS,
    )


@functools.cache
def _axe_source() -> str:
    return AXE.read_text() + "\n;true"


def assert_accessible(page: Page) -> None:
    if violations := axe_violations(page):
        pytest.fail(f"axe-core on {page.url}:\n" + "\n".join(map(_describe, violations)))


# WCAG 1.4.10 Reflow: content fits 320 CSS pixels without scrolling sideways (which is also 1280 pixels at 400 %).
REFLOW_WIDTH = 320


def assert_reflows(page: Page) -> None:
    """The page as it is now (after whatever the visitor did) fits a 320 px wide window; what sticks out is named."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    try:
        too_wide = page.evaluate(
            """(width) => {
                if (document.documentElement.scrollWidth <= width) return [];
                return [...document.querySelectorAll("body *")]
                    .filter((element) => element.getBoundingClientRect().right > width + 1)
                    .filter((element) => element.getClientRects().length)
                    .filter((element) => {
                        // What scrolls inside its own container does not widen the page.
                        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
                            if (getComputedStyle(parent).overflowX !== "visible") return false;
                        }
                        return true;
                    })
                    .slice(0, 5)
                    .map((element) => `${element.tagName.toLowerCase()}.${element.className} ` +
                         `(${Math.round(element.getBoundingClientRect().right)} px)`);
            }""",
            REFLOW_WIDTH,
        )
    finally:
        page.set_viewport_size(size)
    assert not too_wide, f"{page.url} scrolls sideways at {REFLOW_WIDTH} px: " + "; ".join(too_wide)


def _describe(violation: dict) -> str:
    nodes = violation["nodes"]
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} [{len(nodes)}×]"]
    lines += [f"    {node['target']} {node['html'][:200]}" for node in nodes[:3]]
    return "\n".join(lines)


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name) saves name.png, the full page, in $SCREENSHOT_DIR (`make screenshots`) or tmp_path."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)  # makes the folder when needed
        return path

    return take


# --- A small, realistic data set: the pages have something to show, and the screenshots look like the real thing.


@dataclass
class World:
    officer: object
    organisations: dict[str, Organisation]
    contact: Contact
    follow_up: FollowUpAction
    draft_round: SurveyRound
    open_round: SurveyRound
    closed_round: SurveyRound
    invitations: dict[str, Invitation]  # of the open round, by the contact's preferred language

    def __getitem__(self, name: str) -> Organisation:
        return self.organisations[name]


ORGANISATIONS = [
    # name, kind, scope, city, influence, interest, tier, owned by the officer
    ("Gemeente Utrecht", "municipality", "local", "Utrecht", 5, 4, "strategic", True),
    ("VluchtelingenWerk Nederland", "ngo", "national", "Amsterdam", 3, 5, "strategic", True),
    ("Raad voor de Rechtspraak", "judiciary", "national", "Den Haag", 5, 2, "regular", True),
    ("Leger des Heils", "ngo", "national", "Almere", 2, 4, "regular", True),
    ("Gemeente Amsterdam", "municipality", "local", "Amsterdam", 4, 3, "regular", False),
    ("Reclassering Nederland", "government", "national", "Utrecht", 3, 2, "regular", False),
    ("UNHCR Nederland", "international", "international", "Den Haag", 4, 2, "regular", False),
    ("Stichting Nidos", "ngo", "national", "Utrecht", 1, 5, "regular", False),
]
CONTACTS = {
    # organisation: (first name, prefix, last name, function, level, language)
    "Gemeente Utrecht": [
        ("Fatima", "", "El Amrani", "Beleidsadviseur integratie", "policy", "nl"),
        ("Jeroen", "van", "Dijk", "Wethouder", "executive", "nl"),
    ],
    "VluchtelingenWerk Nederland": [
        ("Annelies", "de", "Boer", "Regiomanager", "operational", "nl"),
        ("Mohammed", "", "Yilmaz", "Directeur", "executive", "nl"),
    ],
    "Raad voor de Rechtspraak": [
        ("Pieter", "", "Jansen", "Senior beleidsmedewerker", "policy", "nl"),
        ("Eva", "", "Hendriks", "Directeur bedrijfsvoering", "executive", "nl"),
    ],
    "Leger des Heils": [
        ("Ingrid", "", "Bakker", "Coördinator opvang", "operational", "nl"),
        ("Thomas", "de", "Graaf", "Regiodirecteur", "executive", "nl"),
    ],
    "Gemeente Amsterdam": [
        ("Sven", "", "Visser", "Programmamanager", "policy", "nl"),
        ("Lotte", "", "Meijer", "Beleidsmedewerker", "policy", "nl"),
    ],
    "Reclassering Nederland": [
        ("Marloes", "", "Smit", "Adviseur", "operational", "nl"),
        ("Daan", "", "Bos", "Teamleider", "operational", "nl"),
    ],
    "UNHCR Nederland": [("Sarah", "", "Johnson", "Protection Officer", "policy", "en")],
    "Stichting Nidos": [("Kees", "", "Mulder", "Teamleider voogdij", "operational", "nl")],
}
RELATIONS = [
    ("Gemeente Utrecht", "funds", "VluchtelingenWerk Nederland"),
    ("UNHCR Nederland", "partner_of", "VluchtelingenWerk Nederland"),
    ("VluchtelingenWerk Nederland", "partner_of", "Stichting Nidos"),
    ("Stichting Nidos", "refers_to", "Leger des Heils"),
    ("Gemeente Amsterdam", "contracts", "Leger des Heils"),
    ("Reclassering Nederland", "partner_of", "Raad voor de Rechtspraak"),
]


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _responses(survey_round: SurveyRound, *groups: tuple[str, str, str, list[int]]) -> None:
    """Anonymous responses per segment (kind, level, scope, grades); the first NGO respondents write a wish."""
    questions = {question.code: question for question in survey_round.questionnaire.questions.all()}
    wishes = [
        "Vaker overleg op uitvoeringsniveau",
        "Snellere terugkoppeling na signalen uit de regio",
        "Eén vast aanspreekpunt per regio",
        "Meer gedeelde cijfers over de doorstroom",
    ]
    responses, answers = [], []
    for kind, level, scope, grades in groups:
        for number, grade in enumerate(grades):
            response = Response(round=survey_round, organisation_kind=kind, respondent_level=level,
                                organisation_scope=scope)  # fmt: skip
            responses.append(response)
            answers += [
                Answer(response=response, question=questions["overall_grade"], number=grade),
                Answer(response=response, question=questions["reliability"], number=min(5, max(1, grade - 4))),
                Answer(response=response, question=questions["directing_role"],
                       text="right" if grade > 6 else "too_little"),
            ]  # fmt: skip
            if kind == "ngo" and number < len(wishes):
                answers.append(Answer(response=response, question=questions["wishes"], text=wishes[number]))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)


@pytest.fixture
def world(liaison_officer) -> World:
    return build_world(liaison_officer)


def build_world(officer) -> World:
    """An officer who owns four organisations (one overdue, one due soon), eight organisations with contacts and
    relations, contacts logged with follow-ups, and survey rounds: one closed with results, one open with
    invitations (a Dutch and an English contact), one draft."""
    officer.first_name, officer.last_name = "Sanne", "de Vries"
    officer.save(update_fields=["first_name", "last_name"])
    tiers = {
        code: Tier.objects.update_or_create(code=code, defaults={"name": name, "cadence_days": days})[0]
        for code, name, days in [("strategic", "Strategisch", 90), ("regular", "Regulier", 180)]
    }
    migration, shelter = TagFactory(name="Migratieketen"), TagFactory(name="Opvang")
    housing, privacy = TopicFactory(name="Huisvesting"), TopicFactory(name="Privacy")
    organisations = {}
    for name, kind, scope, city, influence, interest, tier, owned in ORGANISATIONS:
        organisations[name] = OrganisationFactory(
            name=name, kind=kind, scope=scope, city=city, influence=influence, interest=interest,
            tier=tiers[tier], owner=officer if owned else None,
        )  # fmt: skip
    organisations["Gemeente Utrecht"].tags.add(migration)
    organisations["VluchtelingenWerk Nederland"].tags.add(migration, shelter)
    organisations["Leger des Heils"].tags.add(shelter)
    contacts = {}
    for organisation, people in CONTACTS.items():
        for first_name, prefix, last_name, job_title, level, language in people:
            contacts[last_name] = ContactFactory(
                organisation=organisations[organisation], first_name=first_name, name_prefix=prefix,
                last_name=last_name, job_title=job_title, level=level, preferred_language=language,
                email=f"{first_name.lower()}.{last_name.lower().replace(' ', '')}@example.nl",
            )  # fmt: skip
    for source, kind, target in RELATIONS:
        OrganisationRelationFactory(source=organisations[source], kind=kind, target=organisations[target])

    def log(organisation, days_ago, channel, subject, notes="", people=(), topics=()):
        interaction = InteractionFactory(
            organisation=organisations[organisation], logged_by=officer, channel=channel,
            occurred_at=_days_ago(days_ago), subject=subject, notes=notes,
        )  # fmt: skip
        interaction.contacts.add(*(contacts[name] for name in people))
        interaction.topics.add(*topics)
        return interaction

    log("Gemeente Utrecht", 400, "meeting", "Kennismaking met de nieuwe wethouder", people=["Dijk"])
    housing_talk = log(
        "Gemeente Utrecht", 120, "meeting", "Overleg huisvesting statushouders",
        "Wachtlijst loopt op; de gemeente vraagt om cijfers per kwartaal.", ["El Amrani"], [housing],
    )  # fmt: skip
    visit = log(
        "VluchtelingenWerk Nederland", 85, "site_visit", "Werkbezoek aanmeldcentrum Ter Apel",
        "Rondleiding en gesprek met vrijwilligers over de eerste opvang.", ["Boer", "Yilmaz"], [housing],
    )  # fmt: skip
    log(
        "Raad voor de Rechtspraak", 12, "video", "Afstemming gegevensuitwisseling",
        "Afspraken over het delen van procesgegevens binnen de AVG.", ["Jansen"], [privacy],
    )  # fmt: skip
    follow_up = FollowUpActionFactory(
        interaction=housing_talk, description="Cijfers huisvesting per kwartaal aanleveren", assignee=officer,
        due_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip
    FollowUpActionFactory(
        interaction=visit, description="Verslag werkbezoek rondsturen", assignee=officer,
        due_on=timezone.localdate() - timedelta(days=3),
    )  # fmt: skip
    organisation_outreach_refresh(organisation_ids=[organisation.pk for organisation in organisations.values()])

    questionnaire = questionnaire_with_questions()
    earlier = SurveyRoundFactory(
        name="Reputatieonderzoek 2023", questionnaire=questionnaire, status="closed", min_group_size=3,
        opens_at=_days_ago(800), closes_at=_days_ago(770),
    )  # fmt: skip
    _responses(earlier, ("ngo", "operational", "national", [6, 6, 7, 7, 7, 8]))
    closed_round = SurveyRoundFactory(
        name="Reputatieonderzoek 2024", questionnaire=questionnaire, status="closed", min_group_size=3,
        opens_at=_days_ago(430), closes_at=_days_ago(400),
    )  # fmt: skip
    _responses(
        closed_round,
        ("ngo", "operational", "national", [6, 7, 8, 8, 9]),
        ("municipality", "policy", "local", [5, 7, 8]),
        ("judiciary", "policy", "national", [8, 8, 9]),
    )
    Invitation.objects.bulk_create(
        Invitation(round=closed_round, contact=contact, answered_on=closed_round.opens_at.date() if answered else None)
        for contact, answered in zip(contacts.values(), [True] * 11 + [False] * 3, strict=True)
    )
    open_round = SurveyRoundFactory(name="Partnerpeiling voorjaar", questionnaire=questionnaire, status="open")
    invitations = {
        "nl": InvitationFactory(round=open_round, contact=contacts["Jansen"]),
        "en": InvitationFactory(round=open_round, contact=contacts["Johnson"]),
    }
    InvitationFactory(round=open_round, contact=contacts["Bakker"])
    draft_round = SurveyRoundFactory(
        name="Reputatieonderzoek 2025", questionnaire=questionnaire, status="draft",
        opens_at=timezone.now() + timedelta(days=30), closes_at=timezone.now() + timedelta(days=60),
    )  # fmt: skip
    return World(
        officer=officer, organisations=organisations, contact=contacts["El Amrani"], follow_up=follow_up,
        draft_round=draft_round, open_round=open_round, closed_round=closed_round, invitations=invitations,
    )  # fmt: skip


# --- Pages that are only looked at share one data set and one live server per module: the `live_server` fixture
# would empty the database after every test, and that and making the data again would take most of each test's time.

USERS = {
    "liaison_officer": ("officer", roles.LIAISON_OFFICERS),
    "coordinator": ("coordinator", roles.COORDINATORS),
    "researcher": ("researcher", roles.RESEARCHERS),
    "reader": ("reader", roles.READ_ONLY),
}


RESPONDENT_LINKS = 4  # per language: one for each test of a respondent's page


@dataclass
class Site:
    url: str
    world: World
    sessions: dict[str, str]  # a signed-in session per user, by the name of its fixture in tests/conftest.py
    links: dict[str, list[str]]  # unused personal links of the open round, by language
    opt_out_link: str  # a contact's link to stop mails

    def sign_in(self, page: Page, user: str) -> Page:
        return with_session(page, self.sessions[user], self.url)

    def link(self, language: str) -> str:
        """A personal link nobody has used yet."""
        return self.links[language].pop()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A live server on the world, the users of tests/conftest.py (and "superuser") and fresh respondent links, made
    once for the module and committed; the database is emptied after the module, as after a transactional test.

    Its tests use `site_page`, not `page`: `live_server`, like `transactional_db`, empties the database after each
    test. They are marked `django_db` (so that the test database exists) and so run in a transaction that the server
    does not see: they read the site, and only the browser writes."""
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    with django_db_blocker.unblock():
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                users = {name: UserFactory(username=username, role=role) for name, (username, role) in USERS.items()}
                users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
            world = build_world(users["liaison_officer"])
            links = {
                language: [
                    personal_link(
                        InvitationFactory(
                            round=world.open_round,
                            contact=ContactFactory(organisation=world[organisation], preferred_language=language),
                        )
                    )
                    for _ in range(RESPONDENT_LINKS)
                ]  # fmt: skip
                for language, organisation in [("nl", "Stichting Nidos"), ("en", "UNHCR Nederland")]
            }
            sessions = {name: session_of(user) for name, user in users.items()}
            # The pages of setting up a second factor: before the mailed link, after it, and the recovery codes.
            newcomer = UserFactory(username="newcomer", role=roles.COORDINATORS)
            grant = {"user": newcomer.pk, "until": time.time() + 3600}
            sessions |= {
                "newcomer": session_of(newcomer, second_factor=False),
                "newcomer-with-link": session_of(newcomer, second_factor=False, **{GRANT_SESSION_KEY: grant}),
                "new-recovery-codes": session_of(
                    users["liaison_officer"], **{RECOVERY_CODES_SESSION_KEY: recovery_codes_issue(user=newcomer)}
                ),
            }
            leaving = ContactFactory(organisation=world["Stichting Nidos"])
            opt_out_link = f"/mail/stop/{opt_out_token(kind='survey_invitation', contact_id=leaving.pk)}/"
            yield Site(url=server.url, world=world, sessions=sessions, links=links, opt_out_link=opt_out_link)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            connections.close_all()  # else the test database cannot be dropped at the end


@pytest.fixture(scope="module")
def site_context(browser, site):
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", base_url=site.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def site_page(site_context):
    """A new page on the module's site, without cookies."""
    site_context.clear_cookies()
    page = site_context.new_page()
    yield page
    page.close()
