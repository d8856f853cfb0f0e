"""A user's permissions from the shared cache, so that an API request checks its role without a query.

Django's ModelBackend reads a user's permissions with two queries on every request (it only keeps them on the user
object, which lives for one request). Here they are kept in the shared cache under a generation number; any change
to who is in which group, or to what a group or a user may do, moves the generation on, so no cached set outlives a
role change (accounts/apps.py connects the signals).
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "permissions:generation"
# A safety net only: every change the application makes moves the generation on at once.
PERMISSIONS_TIMEOUT = 10 * 60


def permissions_generation_bump(**_signal_arguments) -> None:
    """Make every cached permission set stale; connected to the signals of any change to roles or permissions."""
    _bump()
    # A request that reads the permissions between this bump and the commit of the change would cache the old
    # set under the new generation; bumping again after the commit makes that set unreachable too.
    transaction.on_commit(_bump)


def permissions_user_saved(*, created: bool, **_signal_arguments) -> None:
    # A user's own status (active, superuser) is read from the row each request loads; a new user may reuse the
    # id of a deleted one (a test database that was flushed), whose set must not be found.
    if created:
        permissions_generation_bump()


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (empty or flushed cache): any new value makes the old keys unreachable
        cache.set(GENERATION_KEY, 1, timeout=None)


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose set of a user's permissions comes from the shared cache while no role changed."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
            key = f"permissions:{generation}:{user_obj.pk}:{int(user_obj.is_superuser)}"
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, timeout=PERMISSIONS_TIMEOUT)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache
