from django.db import migrations


DIMENSIONS = [
    ("reliability", "De dienst is betrouwbaar.", "The agency is reliable."),
    ("carefulness", "De dienst werkt zorgvuldig.", "The agency works carefully."),
    ("lawfulness", "De dienst handelt rechtmatig.", "The agency acts lawfully."),
    ("specialist_knowledge", "De dienst heeft veel vakkennis.", "The agency has specialist knowledge."),
    ("human_measure", "De dienst houdt oog voor de menselijke maat.", "The agency keeps the human measure in view."),
    ("flexibility", "De dienst is flexibel.", "The agency is flexible."),
    ("resourcefulness", "De dienst is vindingrijk.", "The agency is resourceful."),
    ("decisiveness", "De dienst is daadkrachtig.", "The agency is decisive."),
    ("proactivity", "De dienst is proactief.", "The agency is proactive."),
]
DIRECTING_ROLE_CHOICES = [
    {"value": "too_little", "nl": "Te weinig regie", "en": "Too little direction"},
    {"value": "right", "nl": "Passende regie", "en": "The right amount of direction"},
    {"value": "too_much", "nl": "Te veel regie", "en": "Too much direction"},
    {"value": "unknown", "nl": "Weet ik niet", "en": "I don't know"},
]
OPEN_QUESTIONS = [
    ("experiences", "Wat zijn uw ervaringen in de samenwerking met de dienst?",
     "What are your experiences of working with the agency?"),
    ("expectations", "Wat verwacht u van de dienst in de komende jaren?",
     "What do you expect of the agency in the coming years?"),
    ("wishes", "Welke wensen heeft u voor de samenwerking?", "What do you wish for in the cooperation?"),
]


def install_questionnaire(apps, schema_editor):
    questionnaire_model = apps.get_model("surveys", "Questionnaire")
    question_model = apps.get_model("surveys", "Question")
    questionnaire, created = questionnaire_model.objects.get_or_create(name="Reputatieonderzoek partners")
    if not created:
        return
    questions = [
        ("overall_grade", "grade", "Welk rapportcijfer geeft u de dienst als geheel?",
         "What grade would you give the agency overall?", [], True),
        *((code, "likert", nl, en, [], False) for code, nl, en in DIMENSIONS),
        ("directing_role", "choice", "Hoe ervaart u de regierol van de dienst in het migratienetwerk?",
         "How do you experience the agency's directing role in the migration network?", DIRECTING_ROLE_CHOICES, False),
        *((code, "text", nl, en, [], False) for code, nl, en in OPEN_QUESTIONS),
    ]
    question_model.objects.bulk_create(
        question_model(
            questionnaire=questionnaire, position=position, code=code, kind=kind, text_nl=nl, text_en=en,
            choices=choices, required=required,
        )
        for position, (code, kind, nl, en, choices, required) in enumerate(questions, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_surveys"),
        ("crm", "0003_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(install_questionnaire, migrations.RunPython.noop),
    ]
