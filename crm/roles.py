"""The roles of the product, as Django groups with their permissions.

One table says what each role may do; a data migration applies it, and later migrations apply it again when new
models arrive, so the groups on every installation match this file.
"""

ADMINISTRATORS = "Administrators"
COORDINATORS = "Coordinators"
LIAISON_OFFICERS = "Liaison officers"
RESEARCHERS = "Researchers"
READ_ONLY = "Read-only"

# Models whose records the roles work with, as "app_label.model".
STAKEHOLDER_RECORDS = [
    "stakeholders.organisation",
    "stakeholders.organisationrelation",
    "stakeholders.contact",
    "stakeholders.interaction",
    "stakeholders.followupaction",
]
REFERENCE_DATA = ["stakeholders.tier", "stakeholders.tag", "stakeholders.topic"]
# Survey set-up and invitations. Responses and answers are for no role: people see them only as suppressed results.
SURVEY_RECORDS = ["surveys.questionnaire", "surveys.question", "surveys.surveyround", "surveys.invitation"]
EVERYTHING = "*"

# Per role: model -> actions ("view", "add", "change", "delete", or a model's own permission such as "export").
# EVERYTHING grants every permission there is.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]] | str] = {
    ADMINISTRATORS: EVERYTHING,
    COORDINATORS: {
        **dict.fromkeys(STAKEHOLDER_RECORDS, ("view", "add", "change")),
        "stakeholders.contact": ("view", "add", "change", "export", "erase"),
        "stakeholders.interaction": ("view", "add", "change", "view_confidential"),
        **dict.fromkeys(REFERENCE_DATA, ("view", "add", "change")),
        **dict.fromkeys(SURVEY_RECORDS, ("view",)),
    },
    LIAISON_OFFICERS: {
        **dict.fromkeys(STAKEHOLDER_RECORDS, ("view", "add", "change")),
        "stakeholders.tier": ("view",),
        "stakeholders.tag": ("view", "add"),
        "stakeholders.topic": ("view", "add"),
        "surveys.surveyround": ("view",),
    },
    RESEARCHERS: {
        **dict.fromkeys(STAKEHOLDER_RECORDS + REFERENCE_DATA, ("view",)),
        **dict.fromkeys(SURVEY_RECORDS, ("view", "add", "change")),
    },
    READ_ONLY: {**dict.fromkeys(STAKEHOLDER_RECORDS + REFERENCE_DATA, ("view",)), "surveys.surveyround": ("view",)},
}


ROLES = [ADMINISTRATORS, COORDINATORS, LIAISON_OFFICERS, RESEARCHERS, READ_ONLY]
MATRIX_MODELS = STAKEHOLDER_RECORDS + REFERENCE_DATA + SURVEY_RECORDS
MODEL_ACTIONS = ("view", "add", "change", "delete")
# Permissions some models add to Django's four (their Meta.permissions).
OWN_ACTIONS = {"stakeholders.contact": ("export", "erase"), "stakeholders.interaction": ("view_confidential",)}
MATRIX_ACTIONS = [*MODEL_ACTIONS, "view_confidential", "export", "erase"]


def role_may(role: str, model_label: str, action: str) -> bool:
    """The matrix's answer: may this role do this action on this kind of record?"""
    grants = ROLE_PERMISSIONS[role]
    if grants == EVERYTHING:
        return action in MODEL_ACTIONS + OWN_ACTIONS.get(model_label, ())
    return action in grants.get(model_label, ())


def permission_matrix_markdown() -> str:
    """The matrix as the table in docs/security.md (`manage.py permission_matrix` prints it)."""
    lines = ["| record | " + " | ".join(ROLES) + " |", "| --- |" + " --- |" * len(ROLES)]
    for model_label in MATRIX_MODELS:
        cells = [
            ", ".join(action for action in MATRIX_ACTIONS if role_may(role, model_label, action)) or "–"
            for role in ROLES
        ]
        lines.append(f"| `{model_label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def roles_sync(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    from django.apps import apps as installed_apps
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    # Permissions are normally created after all migrations ran; a data migration needs them now.
    for app_config in installed_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if grants == EVERYTHING:
            group.permissions.set(permission_model.objects.all())
            continue
        # A model that a later migration adds has no permissions yet; that migration runs this again.
        wanted = Q()
        for model_label, actions in grants.items():
            app_label, model = model_label.split(".")
            for action in actions:
                wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
        group.permissions.set(permission_model.objects.filter(wanted))
