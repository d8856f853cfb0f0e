"""The security log (BIO 8.15.01): sign-ins and failed sign-ins, refused requests, and changes to who may do what.

Each event is one JSON line on the `crm.security` logger, which settings.LOGGING keeps apart from the application log
(stderr, or SECURITY_LOG_FILE) so it can be shipped to the agency's SIEM as it is. json.dumps escapes every value, so
a user name with a newline or a quote in it cannot forge a line. An event names staff by user name and records by id:
never a password, a token, a session key or a contact person's data.

settings.LOGGING loads this module while Django sets up, before the apps are ready: it imports no models at the top.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from crm.web.client import client_address

logger = logging.getLogger("crm.security")

SUCCESS, FAILURE, DENIED = "success", "failure", "denied"
PRIVILEGE_CHANGE = "privilege.change"
# A failed sign-in's user name is whatever the client typed, and a path is what it asked for: cut both, so no one
# fills the log through the login form.
MAX_INPUT_LENGTH = 200
# The fields of a user and of an API token that say what it may do.
WATCHED_FIELDS = {
    "auth.user": ("is_active", "is_staff", "is_superuser"),
    "accounts.apitoken": ("read_only", "expires_at", "revoked_at"),
}

# The request being answered, so that a signal sent from deep inside a view (a group given to a user in admin) can
# name who did it and from where.
_current_request: ContextVar = ContextVar("crm_security_request", default=None)


class SecurityJsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), action, object, result, origin, actor."""

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        # ensure_ascii (the default) also escapes U+2028 and the like, which some log readers take for line breaks.
        return json.dumps(
            {
                "time": time.removesuffix("+00:00") + "Z",
                "action": getattr(record, "action", record.getMessage()),
                "object": getattr(record, "object", ""),
                "result": getattr(record, "result", None),
                "origin": getattr(record, "origin", None),
                "actor": getattr(record, "actor", None),
            }
        )


def _username(actor) -> str | None:
    if actor is None or isinstance(actor, str):
        return actor[:MAX_INPUT_LENGTH] if actor else None
    return actor.get_username() if actor.is_authenticated else None


def security_event(*, action: str, result: str, request=None, actor=None, object: str = "") -> None:
    """Write one line to the security log.

    `actor` is a user or a user name; without it, the signed-in user of the request. Without `request`, the request
    being answered, if any: a signal sent from a view still names who did it and from where.
    """
    if result not in (SUCCESS, FAILURE, DENIED):
        raise ValueError(f"Unknown result {result!r}")
    request = request if request is not None else _current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    logger.log(
        logging.INFO if result == SUCCESS else logging.WARNING,
        "%s %s",
        action,
        result,
        extra={
            "action": action,
            "object": object,
            "result": result,
            "origin": client_address(request) if request is not None else None,
            "actor": _username(actor),
        },
    )


class DeniedRequestsMiddleware:
    """Logs every 403, of the web UI, admin and the API alike. Listed first in MIDDLEWARE, so it also sees the 403s
    that other middleware answers (a failed CSRF check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        if response.status_code == 403:
            # The path without its query string: a search term can be a person's name.
            security_event(
                action="authorisation",
                result=DENIED,
                request=request,
                object=f"{request.method} {request.path}"[:MAX_INPUT_LENGTH],
            )
        return response


# Receivers, connected in crm/apps.py.


def logged_in(sender, request, user, **kwargs):
    security_event(action="login", result=SUCCESS, request=request, actor=user)


def logged_out(sender, request, user, **kwargs):
    security_event(action="logout", result=SUCCESS, request=request, actor=user)


def login_failed(sender, credentials, request=None, **kwargs):
    # Only the user name is read from the credentials; Django has already masked the password, but it is not
    # even looked at here.
    from django.contrib.auth import get_user_model

    attempted = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    security_event(action="login", result=FAILURE, request=request, actor=attempted)


def locked_out(sender, request, username, ip_address, **kwargs):
    """django-axes locked this user name and address out after too many failures."""
    security_event(action="login.lockout", result=DENIED, request=request, actor=username)


def _label(instance) -> str:
    return "api-token" if instance._meta.label_lower == "accounts.apitoken" else instance._meta.model_name


def _value(value) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return value.isoformat() if isinstance(value, datetime) else str(value)


def privileges_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember a user's or token's rights as stored, to compare after saving (signing in saves last_login only)."""
    fields = WATCHED_FIELDS[sender._meta.label_lower]
    if raw or instance._state.adding or (update_fields is not None and not set(fields) & set(update_fields)):
        return
    instance._privileges_before = sender._default_manager.filter(pk=instance.pk).values(*fields).first()


def privileges_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_privileges_before", None)
    if raw or (before is None and not created):
        return
    fields = WATCHED_FIELDS[sender._meta.label_lower]
    changed = [field for field in fields if created or before[field] != getattr(instance, field)]
    if not changed:
        return
    words = [f"{field}={_value(getattr(instance, field))}" for field in changed]
    if created:
        words.insert(0, "created")
    if sender._meta.label_lower == "accounts.apitoken":
        words.insert(0, f"user:{instance.user_id}")
    words.insert(0, f"{_label(instance)}:{instance.pk}")
    security_event(action=PRIVILEGE_CHANGE, result=SUCCESS, object=" ".join(words))


def privileges_deleted(sender, instance, **kwargs):
    """A user or a token is gone, and with it all it could do."""
    security_event(action=PRIVILEGE_CHANGE, result=SUCCESS, object=f"{_label(instance)}:{instance.pk} deleted")


def password_saved(sender, instance, created, raw=False, **kwargs):
    """A user's password was set (their own change, an administrator's, `manage.py changepassword`): set_password
    leaves the new password on the instance until the save, so a mere re-hash at login does not count."""
    if raw or created or getattr(instance, "_password", None) is None:
        return
    security_event(action="password.change", result=SUCCESS, object=f"user:{instance.pk}")


def password_change_refused(*, request) -> None:
    """The change-password form refused: a wrong current password (someone at an unlocked screen) or a weak one."""
    security_event(action="password.change", result=FAILURE, request=request, object=f"user:{request.user.pk}")


def token_revoked(*, token) -> None:
    """Called by api_token_revoke: a conditional UPDATE, which sends no signal."""
    security_event(action=PRIVILEGE_CHANGE, result=SUCCESS, object=f"api-token:{token.pk} revoked")


def _names(model, pks) -> list[str]:
    from django.contrib.auth.models import Permission

    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
        return sorted(f"{app_label}.{codename}" for app_label, codename in rows)
    return sorted(str(target) for target in model._default_manager.filter(pk__in=pks))


def memberships_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups or permissions, or a group's permissions, changed: one line per user or group, from either
    side of the relation ("user:12 groups +Coordinators")."""
    if action not in ("pre_clear", "post_clear", "post_add", "post_remove"):
        return
    owner_model, target_model = (model, type(instance)) if reverse else (type(instance), model)
    field = next(field for field in owner_model._meta.many_to_many if field.remote_field.through is sender)
    if action == "pre_clear":
        # After the clear nothing says what was there: read it now, write it once the clear has happened.
        if reverse:
            owners = set(owner_model._default_manager.filter(**{field.name: instance}).values_list("pk", flat=True))
            targets = {instance.pk}
        else:
            owners, targets = {instance.pk}, set(getattr(instance, field.name).values_list("pk", flat=True))
        instance._memberships_cleared = (owners, targets)
        return
    if action == "post_clear":
        owners, targets = instance.__dict__.pop("_memberships_cleared", (set(), set()))
    else:
        owners, targets = (pk_set, {instance.pk}) if reverse else ({instance.pk}, pk_set)
    if not owners or not targets:
        return
    sign = "+" if action == "post_add" else "-"
    names = ",".join(_names(target_model, targets))
    for owner in sorted(owners):
        security_event(
            action=PRIVILEGE_CHANGE,
            result=SUCCESS,
            object=f"{owner_model._meta.model_name}:{owner} {field.name} {sign}{names}",
        )
