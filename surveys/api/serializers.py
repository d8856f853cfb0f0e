"""Survey rounds and their results on the wire: only rounds and suppressed aggregates, never a single response.

Names and codes are Dutch (surveys/wire.py): the round's through its Meta, the results' declared here under their
Dutch names with `source` naming what they read."""

from rest_framework import serializers

from crm.api.serializers import StrictModelSerializer, WireChoiceField

from .. import wire
from ..models import SurveyRound


class SurveyRoundSerializer(StrictModelSerializer):
    questionnaire = serializers.CharField(source="questionnaire.name", read_only=True)
    invitation_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyRound
        ref_name = "EnqueteRonde"
        wire_names = wire.SURVEY_ROUND
        wire_codes = {"status": wire.ROUND_STATUS}
        fields = [
            "id", "name", "status", "questionnaire", "opens_at", "closes_at", "min_group_size",
            "invitation_count", "response_count", "interview_responses",
        ]  # fmt: skip
        read_only_fields = fields


class CellSerializer(serializers.Serializer):
    groep = serializers.CharField(source="label", help_text="The group, or the round in a trend.")
    n = serializers.SerializerMethodField(help_text="Number of answers; empty when the group is suppressed.")
    gemiddelde = serializers.FloatField(source="mean", allow_null=True)
    standaardafwijking = serializers.FloatField(source="sd", allow_null=True)
    onderdrukt = serializers.BooleanField(source="suppressed", help_text="True when the group is too small to show.")

    class Meta:
        ref_name = "Groep"

    def get_n(self, cell) -> int | None:
        return None if cell.suppressed else cell.n


class DistributionSerializer(serializers.Serializer):
    antwoord = serializers.CharField()
    aantal = serializers.IntegerField()

    class Meta:
        ref_name = "Verdeling"

    def to_representation(self, instance):
        label, count = instance
        return {"antwoord": label, "aantal": count}


class BreakdownSerializer(serializers.Serializer):
    dimensie = WireChoiceField(source="dimension", codes=wire.BREAKDOWN)
    groepen = CellSerializer(many=True, source="groups")

    class Meta:
        ref_name = "Uitsplitsing"


class QuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    tekst = serializers.CharField(source="question.text")
    soort = WireChoiceField(source="question.kind", codes=wire.QUESTION_KIND)
    totaal = CellSerializer(source="overall")
    verdeling = DistributionSerializer(many=True, source="distribution")
    uitsplitsingen = BreakdownSerializer(many=True, source="breakdown_tables")
    aantal_open_antwoorden = serializers.IntegerField(
        source="open_answer_count", help_text="How many open answers show; 0 when the question is under the minimum."
    )
    open_antwoorden = serializers.ListField(
        source="open_answers",
        child=serializers.CharField(),
        help_text="The first page of open answers, in a random order drawn at the close; the others under "
        "/enquete-rondes/{id}/open-antwoorden/{code}?pagina=n.",
    )
    trend = CellSerializer(many=True)

    class Meta:
        ref_name = "VraagResultaat"


class RoundResultsSerializer(serializers.Serializer):
    ronde = serializers.IntegerField(source="survey_round.pk")
    uitnodigingen = serializers.IntegerField(source="invitations")
    beantwoord = serializers.IntegerField(source="answered")
    respondenten = serializers.IntegerField(source="responses")
    interviews = serializers.IntegerField(source="interview_responses")
    responspercentage = serializers.FloatField(source="response_rate", allow_null=True)
    minimale_groepsgrootte = serializers.IntegerField(source="survey_round.min_group_size")
    gepubliceerd = serializers.BooleanField(
        source="published", help_text="False while the round is open: only its progress is given."
    )
    onderdrukt = serializers.BooleanField(
        source="suppressed",
        help_text="True when nothing can be shown: the round is still open or has too few responses.",
    )
    vragen = QuestionResultSerializer(many=True, source="questions")

    class Meta:
        ref_name = "RondeResultaten"


class OpenAnswerPageSerializer(serializers.Serializer):
    vraag = serializers.CharField(source="question", help_text="The question's code.")
    aantal = serializers.IntegerField(
        source="count", help_text="How many open answers show; 0 when the question is under the minimum."
    )
    pagina = serializers.IntegerField(source="page")
    paginas = serializers.IntegerField(source="pages")
    antwoorden = serializers.ListField(source="answers", child=serializers.CharField())

    class Meta:
        ref_name = "OpenAntwoordenPagina"
