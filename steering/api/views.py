from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.permissions import TokenScope

from ..forms import PeriodForm
from ..selectors import PERMISSION, steering_figures
from .serializers import SteeringSerializer

PERIOD = [
    OpenApiParameter("van", OpenApiTypes.DATE, description="First day of the period; a year before `tot` if left out."),
    OpenApiParameter("tot", OpenApiTypes.DATE, description="Last day of the period, included; today if left out."),
]


class MaySteer(permissions.BasePermission):
    """The figures count every interaction, confidential ones included: for the roles that may see them all."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(PERMISSION))


class SteeringView(APIView):
    """Steering: per group of organisations (kind, contact level, scope, liaison officer) the contact over a period
    beside the grades of the last two closed survey rounds, suppressed as the results are, and where to act first."""

    permission_classes = [MaySteer, TokenScope]

    @extend_schema(operation_id="sturing_lezen", parameters=PERIOD, responses=SteeringSerializer, filters=False)
    def get(self, request):
        form = PeriodForm(request.query_params)
        unknown = sorted(set(request.query_params) - set(form.fields))
        if unknown:
            raise exceptions.ValidationError({key: [_("Unknown query parameter.")] for key in unknown})
        empty = sorted(key for key, value in request.query_params.items() if value == "")
        if empty:
            raise exceptions.ValidationError({key: [_("Give a value.")] for key in empty})
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        return Response(SteeringSerializer(steering_figures(period=form.cleaned_data["period"])).data)
