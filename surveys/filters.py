import django_filters as filters
from django.utils.translation import gettext_lazy as _

from .models import RoundStatus


class SurveyRoundFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RoundStatus.choices, label=_("status"))
