from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from stakeholders.api.views import ResourceViewSet

from ..filters import SurveyRoundFilterSet
from ..selectors import round_results, survey_rounds_list
from .serializers import RoundResultsSerializer, SurveyRoundSerializer


class SurveyRoundViewSet(ResourceViewSet):
    """Survey rounds and their results; reading needs a role that may see survey rounds."""

    serializer_class = SurveyRoundSerializer
    filterset_class = SurveyRoundFilterSet
    queryset = survey_rounds_list()

    @extend_schema(responses=RoundResultsSerializer, filters=False)
    @action(detail=True, url_path="resultaten", filterset_class=None, pagination_class=None)
    def results(self, request, pk=None):
        """The round's results: per question n, mean, standard deviation and distribution, breakdowns by kind of
        organisation, level and scope, open answers and the trend across rounds; small groups are suppressed."""
        outcome = round_results(survey_round=self.get_object(), with_trends=True)
        return Response(RoundResultsSerializer(outcome).data)
