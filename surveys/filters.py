import django_filters as filters
from django.utils.translation import gettext_lazy as _

from crm.api.filters import WireChoiceFilter

from . import wire


class SurveyRoundFilterSet(filters.FilterSet):
    status = WireChoiceFilter(codes=wire.ROUND_STATUS, label=_("status"))
