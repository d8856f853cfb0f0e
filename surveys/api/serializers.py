"""Survey rounds and their results on the wire: only rounds and suppressed aggregates, never a single response."""

from rest_framework import serializers

from crm.api.serializers import StrictModelSerializer

from ..models import QuestionKind, SurveyRound


class SurveyRoundSerializer(StrictModelSerializer):
    questionnaire = serializers.CharField(source="questionnaire.name", read_only=True)
    invitation_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyRound
        fields = [
            "id", "name", "status", "questionnaire", "opens_at", "closes_at", "min_group_size",
            "invitation_count", "response_count", "interview_responses",
        ]  # fmt: skip
        read_only_fields = fields


class CellSerializer(serializers.Serializer):
    group = serializers.CharField(source="label", help_text="The group, or the round in a trend.")
    n = serializers.SerializerMethodField(help_text="Number of answers; empty when the group is suppressed.")
    mean = serializers.FloatField(allow_null=True)
    standard_deviation = serializers.FloatField(source="sd", allow_null=True)
    suppressed = serializers.BooleanField(help_text="True when the group is too small to show.")

    def get_n(self, cell) -> int | None:
        return None if cell.suppressed else cell.n


class DistributionSerializer(serializers.Serializer):
    answer = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, instance):
        label, count = instance
        return {"answer": label, "count": count}


class BreakdownSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    groups = CellSerializer(many=True)


class QuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    kind = serializers.ChoiceField(source="question.kind", choices=QuestionKind.choices)
    overall = CellSerializer()
    distribution = DistributionSerializer(many=True)
    breakdowns = BreakdownSerializer(many=True, source="breakdown_tables")
    open_answer_count = serializers.IntegerField(
        help_text="How many open answers show; 0 when the question is under the minimum."
    )
    open_answers = serializers.ListField(
        child=serializers.CharField(),
        help_text="The first page of open answers, in a random order drawn at the close; the others under "
        "/enquete-rondes/{id}/open-antwoorden/{code}?pagina=n.",
    )
    trend = CellSerializer(many=True)


class RoundResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="survey_round.pk")
    invitations = serializers.IntegerField()
    answered = serializers.IntegerField()
    responses = serializers.IntegerField()
    interview_responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    min_group_size = serializers.IntegerField(source="survey_round.min_group_size")
    published = serializers.BooleanField(help_text="False while the round is open: only its progress is given.")
    suppressed = serializers.BooleanField(
        help_text="True when nothing can be shown: the round is still open or has too few responses."
    )
    questions = QuestionResultSerializer(many=True)


class OpenAnswerPageSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The question's code.")
    count = serializers.IntegerField(help_text="How many open answers show; 0 when the question is under the minimum.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    answers = serializers.ListField(child=serializers.CharField())
