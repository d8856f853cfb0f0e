import django_filters as filters
from django.utils.translation import gettext_lazy as _

from crm.api.filters import WireChoiceFilter
from stakeholders.filters import ContactFilterSet

from . import wire
from .selectors import target_filter_names


class SurveyRoundFilterSet(filters.FilterSet):
    status = WireChoiceFilter(codes=wire.ROUND_STATUS, label=_("status"))


class RoundTargetFilterSet(ContactFilterSet):
    """The contact list's own filters, those a round's target may use (selectors.target_filter_names): the form of
    the page where a researcher chooses whom a round invites."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = target_filter_names()
        self.filters = {name: declared for name, declared in self.filters.items() if name in names}

    def described(self) -> list[tuple[str, str]]:
        """The filters set, as label and value in words (a choice's name rather than its code), for people."""
        form = self.form
        described = []
        for name, field in form.fields.items():
            value = self.data.get(name)
            if value:
                words = dict(getattr(field, "choices", ())).get(value, value)
                described.append((str(field.label), str(words)))
        return described
