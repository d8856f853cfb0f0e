"""The second login step: a time-based one-time code (TOTP, RFC 6238) from an authenticator app, with django-otp.

django-otp keeps the devices, checks codes (with its own throttling after failures) and marks the session verified;
this module only decides which device a user confirms with, and logs the outcome.
"""

from base64 import b32encode

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security_log import FAILURE, SUCCESS, security_event


def totp_device(*, user) -> tuple[TOTPDevice, bool]:
    """The user's confirmed device, or (for setting one up) an unconfirmed one: (device, being set up)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        return confirmed, False
    # The oldest unconfirmed one: two tabs opening the page at once may have made two.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
    return device, True


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, made here: nothing is fetched from elsewhere."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)


def totp_key_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_confirm(*, request, device: TOTPDevice, code: str) -> bool:
    """Check the code; if right, confirm a new device and mark the session as passed the second factor."""
    allowed, _details = device.verify_is_allowed()
    if not (allowed and device.verify_token(code)):
        security_event(action="login.second_factor", result=FAILURE, request=request)
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    security_event(action="login.second_factor", result=SUCCESS, request=request)
    return True
