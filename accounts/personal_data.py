"""The personal data of this app's models, for the inventory (privacy/inventory.py)."""

from privacy.inventory import ACCOUNTS, Record

RECORDS = [
    Record("accounts.apitoken", subjects="staff (whose token)", activity=ACCOUNTS,
           other=("id", "user", "name", "prefix", "digest", "read_only", "created_at", "expires_at",
                  "revoked_at", "last_used_at")),
    Record("accounts.enrolmentlink", subjects="staff (whose second-factor set-up link)", activity=ACCOUNTS,
           other=("id", "user", "digest", "created_at", "expires_at", "used_at")),
]  # fmt: skip
