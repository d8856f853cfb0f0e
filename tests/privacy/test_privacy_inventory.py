"""The personal-data inventory accounts for every field of every model, so a new field cannot be forgotten."""

from pathlib import Path

import pytest
from django.apps import apps

from privacy.inventory import INVENTORY

OUR_APPS = ["crm", "stakeholders", "surveys"]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def our_models():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            # History tables copy their model's fields; erasure and retention treat them with their model.
            if not model._meta.model_name.startswith("historical"):
                yield model


@pytest.mark.parametrize("model", list(our_models()), ids=lambda model: model._meta.label_lower)
def test_every_field_of_every_model_is_in_the_inventory(model):
    record = INVENTORY.get(model._meta.label_lower)

    assert record is not None, f"{model._meta.label_lower} is missing from crm/privacy.py"
    fields = {field.name for field in model._meta.concrete_fields}
    listed = set(record.personal) | set(record.other)
    assert fields == listed, f"not listed: {sorted(fields - listed)}; gone: {sorted(listed - fields)}"


def test_the_register_in_the_docs_names_every_record_with_personal_data():
    register = DOCS.read_text()

    for label, record in INVENTORY.items():
        if record.personal:
            assert f"`{label}`" in register
