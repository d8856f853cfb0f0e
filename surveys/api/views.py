from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from stakeholders.api.views import ResourceViewSet

from ..filters import SurveyRoundFilterSet
from ..results import round_results_read
from ..selectors import survey_rounds_list
from .serializers import OpenAnswerPageSerializer, RoundResultsSerializer, SurveyRoundSerializer

PAGE = OpenApiParameter("pagina", int, description="The page of open answers, 50 a page; the first if left out.")


class SurveyRoundViewSet(ResourceViewSet):
    """Survey rounds and their results; reading needs a role that may see survey rounds."""

    serializer_class = SurveyRoundSerializer
    filterset_class = SurveyRoundFilterSet
    queryset = survey_rounds_list()
    # Query keys allowed beside the filters; the open answers' action allows its page.
    extra_query_parameters: tuple[str, ...] = ()

    @extend_schema(responses=RoundResultsSerializer, filters=False)
    @action(detail=True, url_path="resultaten", filterset_class=None, pagination_class=None)
    def results(self, request, pk=None):
        """The round's results, stored when it closed: per question n, mean, standard deviation and distribution,
        breakdowns by kind of organisation, level and scope, the first page of open answers and the trend across
        rounds; small groups are suppressed."""
        outcome = round_results_read(survey_round=self.get_object())
        return Response(RoundResultsSerializer(outcome).data)

    @extend_schema(responses=OpenAnswerPageSerializer, filters=False, parameters=[PAGE])
    @action(
        detail=True,
        url_path=r"open-antwoorden/(?P<code>[-a-zA-Z0-9_]+)",
        filterset_class=None,
        pagination_class=None,
        extra_query_parameters=("pagina",),
    )
    def open_answers(self, request, pk=None, code=None):
        """A page of 50 open answers of one question of a closed round, in a random order drawn at the close; none
        for a question under the round's minimum group size."""
        page = request.query_params.get("pagina", "1")
        if set(request.query_params) - {"pagina"} or not page.isdigit() or int(page) < 1:
            raise ValidationError({"pagina": [_("A page is a whole number from 1.")]})
        survey_round = self.get_object()
        outcome = round_results_read(survey_round=survey_round, open_answer_pages={code: int(page)})
        result = next((result for result in outcome.questions if result.question.code == code), None)
        if result is None or (result.open_answer_pages and int(page) > result.open_answer_pages):
            raise NotFound()
        return Response(
            OpenAnswerPageSerializer({
                "question": code,
                "count": result.open_answer_count,
                "page": int(page),
                "pages": result.open_answer_pages,
                "answers": result.open_answers,
            }).data
        )  # fmt: skip
