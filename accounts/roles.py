"""The roles of the product, as Django groups with their permissions.

The role names live here; what each role may do with a kind of record is registered by the app that owns the record
(its apps.py), so this platform app names no domain model. The groups are brought in line after every migrate.
"""

ADMINISTRATORS = "Administrators"
COORDINATORS = "Coordinators"
LIAISON_OFFICERS = "Liaison officers"
RESEARCHERS = "Researchers"
READ_ONLY = "Read-only"

ROLES = [ADMINISTRATORS, COORDINATORS, LIAISON_OFFICERS, RESEARCHERS, READ_ONLY]
MODEL_ACTIONS = ("view", "add", "change", "delete")
MATRIX_ACTIONS = [*MODEL_ACTIONS, "view_confidential", "export", "erase", "assign_owner", "plan"]

# Filled by the domain apps when they start (role_grants_register): per role, model -> actions ("view", "add",
# "change", "delete", or a model's own permission such as "export"). Administrators have every permission there is.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {role: {} for role in ROLES if role != ADMINISTRATORS}
# The models of the permission matrix, in the order of docs/security.md, and the permissions a model adds to
# Django's four (its Meta.permissions).
MATRIX_MODELS: list[str] = []
OWN_ACTIONS: dict[str, tuple[str, ...]] = {}


def role_grants_register(model_label: str, grants: dict[str, tuple[str, ...]], *, own_actions=()) -> None:
    """What each role may do with one kind of record ("app_label.model"); a role left out may do nothing with it."""
    if model_label not in MATRIX_MODELS:
        MATRIX_MODELS.append(model_label)
    if own_actions:
        OWN_ACTIONS[model_label] = tuple(own_actions)
    for role, actions in grants.items():
        ROLE_PERMISSIONS[role][model_label] = tuple(actions)


def role_may(role: str, model_label: str, action: str) -> bool:
    """The matrix's answer: may this role do this action on this kind of record?"""
    if role == ADMINISTRATORS:
        return action in MODEL_ACTIONS + OWN_ACTIONS.get(model_label, ())
    return action in ROLE_PERMISSIONS[role].get(model_label, ())


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


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS.

    Run after every `migrate` (accounts/apps.py), when the registrations are complete and Django has made the
    permissions of every model, so the groups of every installation match the code. Live code, so never in a migration.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    administrators, _ = group_model.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.set(permission_model.objects.all())
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for model_label, actions in grants.items():
            app_label, model = model_label.split(".")
            for action in actions:
                wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
        group.permissions.set(permission_model.objects.filter(wanted))
