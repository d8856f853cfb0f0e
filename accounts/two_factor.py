"""The second login step: a time-based one-time code (TOTP, RFC 6238) from an authenticator app, a passkey
(accounts/passkeys.py), or one of ten recovery codes, with django-otp.

django-otp keeps the devices, checks codes (with its own throttling after failures) and marks the session verified;
this module decides which device a user confirms with, makes and checks recovery codes, logs the outcomes and
mails the user whenever a device is added to or removed from their account. Setting up the first device takes a
mailed link (accounts/enrolment.py).
"""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from mail.outbox import Mail, outbox_enqueue

from .security_log import FAILURE, SUCCESS, security_event

DEVICE_ADDED_MAIL = "second_factor_added"
DEVICE_REMOVED_MAIL = "second_factor_removed"
# A recovery code as shown ("abcd-efgh") or typed with a space, a dash or nothing between the halves.
RECOVERY_CODE = re.compile(r"^[a-z2-7]{4}[\s-]?[a-z2-7]{4}$")


def second_factor_enrolled(user) -> bool:
    """Whether the user has a device to confirm a login with: an authenticator app or a passkey. Recovery codes
    alone do not count: they are the way back to a device, not one."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def totp_device(*, user, create: bool = True) -> tuple[TOTPDevice | None, bool]:
    """The user's confirmed device, or (for setting one up) an unconfirmed one: (device, being set up).

    Without `create`, no unconfirmed device is made: a session that may not set one up gets none (None, True).
    """
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        return confirmed, False
    # The oldest unconfirmed one: two tabs opening the page at once may have made two.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
    return device, True


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, made here: nothing is fetched from elsewhere."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)


def totp_key_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_check(*, device: TOTPDevice, code: str) -> bool:
    """Whether the code is right now, within django-otp's throttling (doubling waits after failures)."""
    allowed, _details = device.verify_is_allowed()
    return bool(allowed and device.verify_token(code))


def totp_confirm(*, request, device: TOTPDevice, code: str) -> bool:
    """Check the code; if right, confirm a new device and mark the session as passed the second factor."""
    if not totp_check(device=device, code=code):
        security_event(action="login.second_factor", result=FAILURE, request=request, object="totp")
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    security_event(action="login.second_factor", result=SUCCESS, request=request, object="totp")
    return True


def recovery_code_normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


@transaction.atomic
def recovery_codes_issue(*, user, request=None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones and return them, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    security_event(action="second_factor.recovery_codes", result=SUCCESS, request=request, object=f"user:{user.pk}")
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def recovery_code_use(*, request, code: str) -> bool:
    """Log in with a recovery code, which is then used up; throttled like the codes of an app."""
    device = StaticDevice.objects.filter(user=request.user).first()
    used = False
    if device is not None and device.verify_is_allowed()[0]:
        # A conditional delete, not django-otp's read-then-delete: of two uses at once only one may win.
        used = StaticToken.objects.filter(device=device, token=recovery_code_normalise(code)).delete()[0] > 0
        if used:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            otp_login(request, device)
        else:
            device.throttle_increment()
    security_event(action="login.second_factor", result=SUCCESS if used else FAILURE, request=request,
                   object="recovery-code")  # fmt: skip
    return used


def second_factor_confirm(*, request, code: str) -> bool:
    """Confirm this login with a code from the user's app, or with a recovery code."""
    if RECOVERY_CODE.match(code.lower()):
        return recovery_code_use(request=request, code=code)
    device, setting_up = totp_device(user=request.user, create=False)
    if device is None or setting_up:
        security_event(action="login.second_factor", result=FAILURE, request=request, object="totp")
        return False
    return totp_confirm(request=request, device=device, code=code)


# --- Every device added to or removed from an account is mailed to its user (the owner learns of an intruder's
# device) and logged, whichever door it came through: the set-up page, a passkey, admin.

SECOND_FACTOR_DEVICES = (TOTPDevice, WebAuthnCredential)


def _device_kind(device) -> str:
    return "passkey" if isinstance(device, WebAuthnCredential) else "authenticator"


def _device_label(device) -> str:
    return f"user:{device.user_id} {_device_kind(device)}:{device.pk}"


def device_before_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: remember whether the device was confirmed before, so that confirming it counts as adding it."""
    if raw:
        return
    instance._was_confirmed = bool(  # noqa: SLF001
        instance.pk and sender.objects.filter(pk=instance.pk, confirmed=True).exists()
    )


def device_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not instance.confirmed or getattr(instance, "_was_confirmed", False):
        return
    security_event(action="second_factor.added", result=SUCCESS, object=_device_label(instance))
    _device_mail(instance, kind=DEVICE_ADDED_MAIL, key="second-factor-added")


def device_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not instance.confirmed:
        return
    security_event(action="second_factor.removed", result=SUCCESS, object=_device_label(instance))
    # When the account itself is deleted there is nobody to tell, and a mail row would point at a user being
    # deleted in this very transaction.
    deleted = origin.model if isinstance(origin, QuerySet) else type(origin)
    if deleted is not get_user_model():
        _device_mail(instance, kind=DEVICE_REMOVED_MAIL, key="second-factor-removed")


def _device_mail(device, *, kind: str, key: str) -> None:
    outbox_enqueue(
        mails=[
            Mail(
                key=f"{key}:{device.persistent_id}",
                kind=kind,
                template=f"emails/{kind}",
                context={"device_kind": _device_kind(device), "device_name": device.name},
                user=device.user,
            )
        ]
    )
