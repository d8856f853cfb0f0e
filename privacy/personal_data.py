"""The personal data of this app's models, for the inventory (privacy/inventory.py)."""

from privacy.inventory import ACCOUNTS, Record

RECORDS = [
    # Append-only: the database refuses to change a row, so erasure keeps it (the contact appears by id only). A list's
    # `query` is its address and filter, which can hold a search term; it goes with the row when the audit expires.
    Record("privacy.accessrecord", subjects="staff (who accessed) and contact persons (by id only)", activity=ACCOUNTS,
           other=("id", "at", "actor_id", "actor_username", "action", "contact_id", "query", "persons", "origin"),
           retention="audit"),
]  # fmt: skip
