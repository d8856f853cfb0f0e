"""A test client whose force_login has also passed the second login step, as a user who typed their code."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def second_factor_passed(client: Client, user) -> None:
    """Mark the client's session as confirmed with the user's authenticator app (crm/two_factor.py)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        # Without signals: the tests' stand-in device is no news to mail the user about (accounts/two_factor.py).
        [device] = TOTPDevice.objects.bulk_create([TOTPDevice(user=user, confirmed=True, name="test")])
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class SignedInClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        second_factor_passed(self, user)
