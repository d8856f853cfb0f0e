"""Settings for the stakeholder CRM, read from the environment (12-factor).

With nothing set, the project runs in development mode on SQLite with a broker that needs no server.
`DJANGO_ENV=production` turns on every production safeguard and refuses to start on development defaults.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import XLSX

from crm.spreadsheet import SpreadsheetCSV

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY set to a random value of 50+ characters.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to run with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # The project and its shared web and API machinery; the platform apps, which know no domain app; the domain
    # apps; demo data on top (docs/architecture.md).
    "crm",
    "accounts",
    "mail",
    "privacy",
    "stakeholders",
    "surveys",
    "steering",
    "demo",
]

MIDDLEWARE = [
    # First, so that it sees every 403, also those other middleware answers (crm/security_log.py).
    "accounts.security_log.DeniedRequestsMiddleware",
    "crm.api.problems.ApiHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.sessions.SessionLimitsMiddleware",
    "accounts.sessions.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
# The outbox's contact persons, as AUTH_USER_MODEL names its users: the mail app names no domain app.
MAIL_CONTACT_MODEL = "stakeholders.Contact"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.web.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Length and the common-password list, no composition rules (OWASP ASVS 2.1, NIST SP 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before the password is even checked.
# The permission backend is Django's ModelBackend reading each user's permissions from the shared cache, so an API
# request checks the role without a query (accounts/permission_cache.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.permission_cache.CachedPermissionsBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locked: this user name from this address after AXES_FAILURE_LIMIT failures; this address, whatever the names,
# and this user name, whatever the addresses, each after a limit of its own (accounts/lockout.py), so a password
# sprayer is stopped both ways while a colleague's guesser from elsewhere needs many more tries to lock them out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
LOCKOUT_FAILURE_LIMITS = [
    AXES_FAILURE_LIMIT,
    env.int("LOCKOUT_ADDRESS_FAILURE_LIMIT", default=30),
    env.int("LOCKOUT_USERNAME_FAILURE_LIMIT", default=20),
]
AXES_HANDLER = "accounts.lockout.PerParameterLimitHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the TLS proxy the client's address is the one the proxy appends to X-Forwarded-For. The header is read
# only when PROXIES_IN_FRONT says how many proxies append to it (ipware then expects exactly that many entries after
# the client's and falls back to REMOTE_ADDR otherwise); without a proxy any client could send one.
PROXIES_IN_FRONT = env.int("PROXIES_IN_FRONT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXIES_IN_FRONT - 1 if PROXIES_IN_FRONT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXIES_IN_FRONT else ["REMOTE_ADDR"]

# Sessions: 30 minutes idle (renewed by every request), 10 hours at most (crm/sessions.py), a second factor for
# these roles (crm/two_factor.py).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 3600)
SECOND_FACTOR_ROLES = ["Administrators", "Coordinators"]
OTP_TOTP_ISSUER = "Stakeholderrelaties"
# Setting up a second factor needs a link mailed to the user's own address (accounts/enrolment.py): valid this long,
# once; "send again" writes at most one mail per user in each window of this many seconds.
SECOND_FACTOR_LINK_SECONDS = env.int("SECOND_FACTOR_LINK_SECONDS", default=30 * 60)
SECOND_FACTOR_LINK_RESEND_SECONDS = env.int("SECOND_FACTOR_LINK_RESEND_SECONDS", default=5 * 60)
# Recovery codes (django-otp's static tokens) made at set-up and when the user asks for new ones.
RECOVERY_CODES = 10
# Every form of the web UI in the NL Design System's markup (crm/forms.py, templates/forms/).
FORM_RENDERER = "crm.web.forms.FormRenderer"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Dutch first, English second.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# The project's own catalogue, then Dutch for the third-party apps' strings their catalogues leave in English (kept
# apart because `make messages` rewrites the first). Both win over the apps' own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
# Dates with the month in letters in both languages (crm/formats).
FORMAT_MODULE_PATH = ["crm.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Throttle counters and other shared short-lived state: Redis in production and tests, memory in development.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The REST API (docs/api.md).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["crm.api.permissions.ReadWithPermission", "crm.api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["crm.api.permissions.ClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.pagination.ListPagination",
    "DEFAULT_FILTER_BACKENDS": ["crm.api.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["crm.api.renderers.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["crm.api.problems.JsonParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "crm.api.problems.problem_exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or signed-in user) per period: "600/minute", "20000/day".
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/minute")
API_PUBLIC_URL = env.str("API_PUBLIC_URL", default="https://localhost/api/v1")
SPECTACULAR_SETTINGS = {
    "TITLE": "Stakeholder CRM API",
    "DESCRIPTION": "Stakeholder lists for other systems: organisations, contact persons, interactions, relations.",
    "VERSION": "1.0.0",
    "CONTACT": {
        "name": env.str("API_CONTACT_NAME", default="CRM team"),
        "email": env.str("API_CONTACT_EMAIL", default="crm@agency.example"),
        "url": env.str("API_CONTACT_URL", default="https://localhost/"),
    },
    "SERVERS": [{"url": API_PUBLIC_URL, "description": "This installation"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "crm.api.openapi.document_errors_and_headers",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each in the button that opens its operation, a link inside a button. No syntax
    # colours in the examples: its themes colour numbers and strings below 4.5:1 against their background.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# CORS only for the OpenAPI document, so any tool can read it; the data itself is never shared cross-origin.
CORS_URLS_REGEX = r"^/api/v1/openapi\.json$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]

# Mail: the outbox hands messages to this server.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025 if not PRODUCTION else 587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=PRODUCTION)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CRM <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where links in mails point: the address of the web UI as the recipients reach it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Passkeys (django-otp-webauthn) as a second factor only, never instead of the password. A passkey is bound to a
# host name (an address like 127.0.0.1 cannot be one) and is offered only on the origins listed here, which is what
# makes it resist phishing. Browsers allow it over HTTPS, and over plain HTTP on localhost.
# In development (SITE_URL on http://127.0.0.1) passkeys work at http://localhost on the same port.
_PASSKEY_ORIGIN = SITE_URL if SITE_URL.startswith("https://") else f"http://localhost:{urlsplit(SITE_URL).port or 80}"
OTP_WEBAUTHN_RP_ID = env.str("PASSKEY_RP_ID", default=urlsplit(_PASSKEY_ORIGIN).hostname)
OTP_WEBAUTHN_RP_NAME = env.str("PASSKEY_RP_NAME", default="Stakeholderrelaties")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("PASSKEY_ORIGINS", default=[_PASSKEY_ORIGIN])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# The outbox (mail/outbox.py). Every mail is a row first; the sweep claims due rows and workers send them.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Batches one sweep hands out; a sweep that hands out this many queues another sweep at once.
OUTBOX_SWEEP_BATCHES = env.int("OUTBOX_SWEEP_BATCHES", default=20)
# How long a claimed batch is reserved for its task before another sweep may claim it again; also the batch task's
# hard time limit (its soft limit, at nine tenths, stops sending and puts the unsent mails back). A mail stranded by
# a crash before its RCPT waits at most this plus the sweep's minute (docs/operations.md).
OUTBOX_CLAIM_LEASE_SECONDS = env.int("OUTBOX_CLAIM_LEASE_SECONDS", default=60)
# How long one mail may be "sending"; after that nobody knows whether the server has it, and it is uncertain.
OUTBOX_SENDING_LEASE_SECONDS = env.int("OUTBOX_SENDING_LEASE_SECONDS", default=120)
# Retries after a temporary failure (4xx, network): exponential backoff with jitter, then failed.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
# The right-hand side of every Message-ID, so that a resent mail keeps the id its first try had.
OUTBOX_MESSAGE_ID_DOMAIN = env.str("OUTBOX_MESSAGE_ID_DOMAIN", default="crm.localhost")
# /healthz reports the outbox "degraded" when a mail has been pending longer than this (an outage, a stopped worker).
OUTBOX_HEALTH_PENDING_SECONDS = env.int("OUTBOX_HEALTH_PENDING_SECONDS", default=15 * 60)


# Surveys: how long the session lasts that a personal link is exchanged for, and link attempts per client a minute.
SURVEY_SESSION_SECONDS = env.int("SURVEY_SESSION_SECONDS", default=4 * 3600)
SURVEY_LINK_ATTEMPTS_PER_MINUTE = env.int("SURVEY_LINK_ATTEMPTS_PER_MINUTE", default=10)


# Retention (stakeholders/retention.py): days after which records are anonymised. Empty: kept (the default).
def _days_or_none(variable: str) -> int | None:
    value = env.str(variable, default="")
    return int(value) if value else None


RETENTION_DAYS = {
    "interaction": _days_or_none("RETENTION_INTERACTION_DAYS"),
    "contact": _days_or_none("RETENTION_INACTIVE_CONTACT_DAYS"),
    "outbox": _days_or_none("RETENTION_OUTBOX_DAYS"),
    # The access audit (crm/audit.py): deleted, not anonymised, once this old.
    "audit": _days_or_none("RETENTION_AUDIT_DAYS"),
}

# Celery. The development default is kombu's filesystem transport, so `make run` needs no broker server;
# production and the tests use Redis through CELERY_BROKER_URL (with maxmemory-policy noeviction, docs/operations.md).
BROKER_DIR = RUN_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# An unacknowledged message goes back to the queue after this long. Only the sending task acknowledges late, and
# every lease and time limit below is far shorter, so no task is handed out twice while it still runs.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if CELERY_BROKER_URL.startswith("filesystem"):
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "processed_folder": str(BROKER_DIR),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues mail must not wait for a broker that is down: the sweep sends the mail later anyway.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_TIME_LIMIT = 600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Import and export in admin: CSV and Excel only, and only for those allowed to add or view.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# CSV with `;` between quoted cells, for Dutch spreadsheets (crm/spreadsheet.py).
IMPORT_FORMATS = [SpreadsheetCSV, XLSX]
EXPORT_FORMATS = IMPORT_FORMATS

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Everything the pages use comes from the app itself; no inline script, no framing (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The component library draws check marks as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if PRODUCTION:
    # TLS ends at the proxy in front of the app; it tells us the original scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps the cookie to this exact host, over HTTPS, for the whole site only.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# The security log (crm/security_log.py): JSON lines apart from the application log, on stderr or in this file
# (reopened when logrotate moves it away).
SECURITY_LOG_FILE = env.str("SECURITY_LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "security_json": {"()": "accounts.security_log.SecurityJsonFormatter"},
    },
    # Survey link tokens never reach a log line ("Not Found: /s/<token>/" becomes "/s/[redacted]/"): crm/logs.py.
    "filters": {"redact_secret_paths": {"()": "crm.logs.RedactSecretPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secret_paths"]},
        "security": {
            "formatter": "security_json",
            "filters": ["redact_secret_paths"],
            **(
                {"class": "logging.handlers.WatchedFileHandler", "filename": SECURITY_LOG_FILE}
                if SECURITY_LOG_FILE
                else {"class": "logging.StreamHandler"}
            ),
        },
    },
    "loggers": {
        "crm.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # django-axes' own lines repeat what the security log says; its warnings (lockouts) still show.
        "axes": {"level": "WARNING"},
        # Django's lines go through the filtered handler only: its default one (with DEBUG on) would repeat them
        # unfiltered. runserver's request lines (make run) too.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# How many organisations seed_demo makes when `make run` loads the demo data.
DEMO_ORGANISATIONS = env.int("DEMO_ORGANISATIONS", default=300)

# Outside production WhiteNoise serves straight from the app folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
