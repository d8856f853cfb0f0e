"""The steering figures on the wire: aggregates per group only, the survey figures suppressed as the results are.
Names are Dutch (snake_case here, camelCase on the wire), declared here with `source` naming what they read."""

from rest_framework import serializers

from crm.api.serializers import WireChoiceField

from .. import wire


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    naam = serializers.CharField(source="name")
    sluit_op = serializers.DateTimeField(source="closes_at")

    class Meta:
        ref_name = "SturingRonde"


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The question's code, the same in every round.")
    tekst = serializers.CharField(source="label")
    rapportcijfer = serializers.BooleanField(source="is_grade", help_text="True for the overall grade (1–10).")

    class Meta:
        ref_name = "SturingVraag"


class SurveyCellSerializer(serializers.Serializer):
    n = serializers.SerializerMethodField(help_text="Number of answers of the group; empty when it is suppressed.")
    gemiddelde = serializers.FloatField(source="mean", allow_null=True)
    onderdrukt = serializers.BooleanField(source="suppressed", help_text="True when the group is too small to show.")

    class Meta:
        ref_name = "SturingCijfer"

    def get_n(self, cell) -> int | None:
        return None if cell.suppressed else cell.n


class SurveyFiguresSerializer(serializers.Serializer):
    vraag = serializers.CharField(source="code", help_text="The question's code.")
    laatste_ronde = SurveyCellSerializer(
        source="latest", allow_null=True, help_text="In the latest closed round; empty if it did not ask the question."
    )
    vorige_ronde = SurveyCellSerializer(
        source="previous", allow_null=True, help_text="In the round closed before it; empty if none or not asked."
    )
    verschil = serializers.FloatField(
        source="change", allow_null=True, help_text="Latest mean minus the previous one, where both show."
    )

    class Meta:
        ref_name = "SturingEnquetecijfers"


class GroupRowSerializer(serializers.Serializer):
    indeling = WireChoiceField(source="grouping", codes=wire.GROUPING)
    groep = serializers.CharField(
        source="code",
        allow_null=True,
        help_text="The group's code as the organisation list filters on it (soort, niveau, reikwijdte or the "
        "liaison officer's user name); empty for the organisations without a liaison officer.",
    )
    naam = serializers.CharField(source="label")
    aantal_organisaties = serializers.IntegerField(source="organisations")
    aantal_contactpersonen = serializers.IntegerField(source="contacts")
    aantal_interacties = serializers.IntegerField(source="interactions")
    interacties_per_organisatie = serializers.FloatField(source="interactions_per_organisation", allow_null=True)
    aandeel_gecontacteerd = serializers.FloatField(
        source="contacted_share", allow_null=True, help_text="Share (0–1) of organisations contacted in the period."
    )
    aandeel_te_laat = serializers.FloatField(
        source="overdue_share", allow_null=True, help_text="Share (0–1) of organisations overdue for contact now."
    )
    mediaan_dagen_sinds_laatste_contact = serializers.FloatField(source="median_days_since_contact", allow_null=True)
    aantal_vervolgacties = serializers.IntegerField(
        source="follow_ups_due", help_text="Follow-up actions due in the period, up to today."
    )
    aantal_vervolgacties_op_tijd = serializers.IntegerField(source="follow_ups_on_time")
    aandeel_vervolgacties_op_tijd = serializers.FloatField(source="on_time_share", allow_null=True)
    gemiddeld_sentiment = serializers.FloatField(
        source="mean_sentiment", allow_null=True, help_text="Mean logged sentiment, −2 to 2."
    )
    enquete = SurveyFiguresSerializer(
        many=True, source="survey", help_text="Per question on a scale; empty for the liaison officers."
    )

    class Meta:
        ref_name = "SturingGroep"


class GroupTableSerializer(serializers.Serializer):
    indeling = WireChoiceField(source="grouping.key", codes=wire.GROUPING)
    enquetecijfers = serializers.BooleanField(
        source="has_survey", help_text="False for the liaison officers: responses do not say who they are."
    )
    groepen = GroupRowSerializer(many=True, source="rows")

    class Meta:
        ref_name = "SturingIndeling"


class SteeringSerializer(serializers.Serializer):
    van = serializers.DateField(source="period.starts_on")
    tot = serializers.DateField(source="period.ends_on", help_text="The last day of the period, included.")
    enquete_rondes = RoundSerializer(
        many=True, source="rounds", help_text="The latest closed round, then the one before it."
    )
    vragen = QuestionSerializer(many=True, source="columns")
    indelingen = GroupTableSerializer(many=True, source="tables")
    eerst_aanpakken = GroupRowSerializer(
        many=True,
        source="ranking",
        help_text="The five groups graded lowest in the latest round, and among equal grades those with the least "
        "contact; suppressed groups are left out.",
    )

    class Meta:
        ref_name = "Sturing"
