"""The groupings of the steering figures, and their period.

A group is a set of active organisations: those of one kind, of one scope, of one liaison officer (or without one),
or those with an active contact person at one level (so an organisation with contacts at two levels is in both
groups, exactly as the organisation list's `niveau` filter selects them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders import wire as stakeholder_wire
from stakeholders.models import Contact, ContactLevel, OrganisationKind, Scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Grouping:
    """One way of dividing the organisations into groups."""

    key: str
    label: "StrOrPromise"
    # The path from an organisation to its group's value, and the organisations that belong to a group at all.
    path: str
    members: Callable[[], Q]
    # The path from a contact person to the group value, for the contacts in the group.
    contact_path: str
    # Stored value -> label, for groupings with a fixed set of groups (the officers are read from the data).
    choices: "dict[str, StrOrPromise] | None"
    # The organisation list's query key for a group, and the code of a value there.
    list_key: str
    list_code: Callable[[str], str]
    # The breakdown of the frozen survey figures that holds this grouping's groups; None: responses carry no such
    # thing.
    breakdown: str | None


def _one_contact_per_level() -> Q:
    """An organisation once per level at which it has an active contact: joined to that level's first contact."""
    first = (
        Contact.objects.filter(is_active=True)
        .order_by()
        .values("organisation_id", "level")
        .annotate(first=Min("id"))
        .values("first")
    )
    return Q(contacts__in=first)


GROUPINGS = [
    Grouping(
        key="kind",
        label=_("kind of organisation"),
        path="kind",
        members=Q,
        contact_path="organisation__kind",
        choices=dict(OrganisationKind.choices),
        list_key="soort",
        list_code=stakeholder_wire.ORGANISATION_KIND.code,
        breakdown="organisation_kind",
    ),
    Grouping(
        key="level",
        label=_("contact level"),
        path="contacts__level",
        members=_one_contact_per_level,
        contact_path="level",
        choices=dict(ContactLevel.choices),
        list_key="niveau",
        list_code=stakeholder_wire.CONTACT_LEVEL.code,
        breakdown="respondent_level",
    ),
    Grouping(
        key="scope",
        label=_("scope"),
        path="scope",
        members=Q,
        contact_path="organisation__scope",
        choices=dict(Scope.choices),
        list_key="reikwijdte",
        list_code=stakeholder_wire.SCOPE.code,
        breakdown="organisation_scope",
    ),
    Grouping(
        key="officer",
        label=_("liaison officer"),
        path="owner__username",
        members=Q,
        contact_path="organisation__owner__username",
        choices=None,
        list_key="relatiebeheerder",
        list_code=str,
        breakdown=None,
    ),
]
# The group of the organisations without a liaison officer, and how the organisation list selects them.
NO_OFFICER = ""
NO_OFFICER_QUERY = {"zonderRelatiebeheerder": "true"}


@dataclass(frozen=True)
class Period:
    """From and until, both days included."""

    starts_on: date
    ends_on: date

    @classmethod
    def last_twelve_months(cls, *, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(starts_on=year_ago + timedelta(days=1), ends_on=today)

    def moments(self) -> tuple[datetime, datetime]:
        """The first moment of the first day and the first moment after the last, in the agency's time zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.starts_on, time.min, tzinfo=zone),
            datetime.combine(self.ends_on + timedelta(days=1), time.min, tzinfo=zone),
        )
