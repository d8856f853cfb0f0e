"""django-axes holds every lockout parameter to one failure limit. This handler gives each its own
(settings.AXES_LOCKOUT_PARAMETERS and LOCKOUT_FAILURE_LIMITS, in the same order), so a password sprayer is stopped
both ways without a colleague's typing mistakes locking them out:

- one user name from one address: AXES_FAILURE_LIMIT (5), the lockout that was always there;
- one address across user names (30 by default): 30 names × 4 guesses from one address stop after 30;
- one user name across addresses (20 by default): guesses spread over many addresses stop after 20.

A successful login clears only that name's failures from that address: an attacker who also holds one valid account
cannot wipe the count of their address, or of the name they are guessing, by signing in with it.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


class PerParameterLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures on the scale of AXES_FAILURE_LIMIT: a parameter that reached its own limit counts as
        reaching that one, so axes' single comparison locks out on whichever parameter is over its limit."""
        limit = get_failure_limit(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        own_limits = settings.LOCKOUT_FAILURE_LIMITS
        return max(
            (count * limit // own if own != limit else count) for count, own in zip(counts, own_limits, strict=True)
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        attempts = self.filter_user_attempts(request, credentials)[0]  # user name and address together
        count, _ = attempts.delete()
        return count
