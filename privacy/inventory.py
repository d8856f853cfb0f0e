"""The personal-data inventory (AVG art. 30): for every model, which fields hold personal data, whose, why, and what
erasure and retention do with them.

Each app registers the records of its own models when it starts (its personal_data.py). The inventory is the single
source for the code that exports, erases and expires personal data, and a test checks that every field of every
model is listed, as personal or as not personal: a new field cannot be forgotten. docs/privacy.md is the register
built on it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# What an erased name or subject reads; emptied fields get "".
ERASED = _("(anonymised)")

# Processing activities of the register (docs/privacy.md).
RELATIONSHIP_MANAGEMENT = "relationship management"
OUTREACH_MAIL = "outreach and survey mail"
SURVEYS = "reputation surveys"
ACCOUNTS = "staff accounts and audit"


@dataclass(frozen=True)
class Record:
    model: str
    subjects: str
    activity: str
    # Personal field -> the value it gets when its person is erased or its retention period ends.
    personal: dict[str, object] = field(default_factory=dict)
    # Every other field, named so that the completeness test sees it was considered.
    other: tuple[str, ...] = ()
    # The RETENTION_DAYS key that limits how long the personal fields stay, if any.
    retention: str | None = None
    # What erasing one contact does to these records: "anonymise", "delete", "keep" (nothing of the person).
    on_erasure: str = "keep"
    # Free text in which staff may have written any person's name, address or number: erasing a contact replaces
    # every form of them here, in every row and in the model's history (whatever `personal` says of the field).
    free_text: tuple[str, ...] = ()
    # Lookups from a row to the organisation(s) it belongs to: in the rows of the erased person's own organisation
    # their surname alone is replaced too (elsewhere it could be someone else's).
    organisation: tuple[str, ...] = ()

    def erased_values(self) -> dict[str, object]:
        return {name: str(value) if value is ERASED else value for name, value in self.personal.items()}


# Filled by the apps when they start (inventory_register): model label -> its record.
INVENTORY: dict[str, Record] = {}


def inventory_register(*records: Record) -> None:
    for record in records:
        INVENTORY[record.model] = record


def record_of(model_label: str) -> Record:
    return INVENTORY[model_label]
