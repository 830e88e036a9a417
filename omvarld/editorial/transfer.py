"""The whole site as one JSON file, and back (MISSION X5).

An export holds the taxonomy, entities, items, suggestions, the revision history and the users
(without passwords or sign-in links), with a format name, a version and a checksum. Importing
checks all of that before writing anything, loads into an empty database in one transaction,
and so either loads everything or changes nothing.

The checksum has no secret, so it only tells damage, not tampering (#18): every record is also
checked by the models' own validation (choices, lengths, foreign keys, uniqueness), the header's
counts must match the records, and a key given twice (in a JSON object, or a primary key within
one kind of record) refuses the file.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from omvarld.accounts.roles import ROLES, assign_role, role_of
from omvarld.core import indexing
from omvarld.editorial import revisions

FORMAT = "omvarld-export"
VERSION = 1
# In dependency order: each model only refers to models above it.
MODELS = [
    "core.region", "core.theme", "core.keyword", "core.maincategory", "core.infocategory", "core.entity",
    "core.entitysection", "core.entityrelation", "core.item", "core.placement",
    "editorial.suggestion", "editorial.suggestionevent", "editorial.revision",
]
USER_FIELDS = ["username", "email", "first_name", "last_name", "is_active", "date_joined", "last_login"]


class ImportRefused(Exception):
    """The file cannot be imported; the message says why. Nothing was changed."""


def _checksum(records: dict) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


def _users() -> list[dict]:
    out = []
    for user in get_user_model().objects.order_by("pk"):
        fields = {name: getattr(user, name) for name in USER_FIELDS}
        fields["role"] = role_of(user) or ""
        out.append({"pk": user.pk, "fields": fields})
    return json.loads(json.dumps(out, cls=_Encoder))


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes keep their microseconds (it cuts them to milliseconds,
    so a time such as 14.000345 came back as 14.000 and the round trip was not exact)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def export_site() -> dict:
    records = {"auth.user": _users()}
    for label in MODELS:
        model = apps.get_model(label)
        rows = serializers.serialize("python", model._base_manager.order_by("pk"))
        records[label] = json.loads(json.dumps([{"pk": r["pk"], "fields": r["fields"]} for r in rows], cls=_Encoder))
    return {
        "format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat(),
        "counts": {label: len(rows) for label, rows in records.items()},
        "checksum": _checksum(records), "records": records,
    }


def write_export(stream) -> dict:
    data = export_site()
    json.dump(data, stream, cls=_Encoder, ensure_ascii=False, indent=1)
    return data["counts"]


# ---------------------------------------------------------------------------------------------
# Import


def read_export(text: str) -> dict:
    """Parse and check an export file; raise ImportRefused with a clear reason if it is not one."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as e:
        raise ImportRefused(f"The file gives the key {e.key!r} twice in one object; it was not written by Omvärld's export.") from None
    except ValueError as e:
        raise ImportRefused(f"The file is not valid JSON (damaged or cut short?): {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not an Omvärld export: the file has no \"format\": \"omvarld-export\" marker.")
    if data.get("version") != VERSION:
        raise ImportRefused(f"The export has format version {data.get('version')!r}; this Omvärld reads version {VERSION}.")
    records = data.get("records")
    if not isinstance(records, dict):
        raise ImportRefused("The export has no records.")
    unknown = set(records) - {"auth.user", *MODELS}
    if unknown:
        raise ImportRefused(f"The export holds kinds of records this Omvärld does not know: {', '.join(sorted(unknown))}.")
    for label, rows in records.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "pk" in r and isinstance(r.get("fields"), dict) for r in rows):
            raise ImportRefused(f"The records of {label} are malformed.")
    for label, rows in records.items():
        seen = set()
        for r in rows:
            key = json.dumps(r["pk"])
            if key in seen:
                raise ImportRefused(f"The records of {label} give the key {r['pk']!r} twice.")
            seen.add(key)
    counts = data.get("counts")
    if not isinstance(counts, dict) or set(counts) != set(records) or any(
        counts[label] != len(rows) for label, rows in records.items()
    ):
        raise ImportRefused("The header's counts do not match the records in the file (records added or removed?).")
    if data.get("checksum") != _checksum(records):
        raise ImportRefused("The checksum does not match: the file was changed or damaged after it was exported.")
    return data


class _DuplicateKey(ValueError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _content_present() -> list[str]:
    labels = ["auth.user", *MODELS]
    return [label for label in labels if apps.get_model(label)._base_manager.exists()]


def import_site(data: dict) -> dict[str, int]:
    """Load a checked export into an empty database; all or nothing."""
    present = _content_present()
    if present:
        raise ImportRefused(f"The database is not empty (it has {', '.join(present)}); import needs an empty one, e.g. after `omvarld migrate` on a new database.")
    records = data["records"]
    try:
        with transaction.atomic(), indexing.paused(), revisions.paused():
            loaded = []
            with connection.constraint_checks_disabled():
                loaded += _load_users(records.get("auth.user", []))
                for label in MODELS:
                    rows = [{"model": label, "pk": r["pk"], "fields": r["fields"]} for r in records.get(label, [])]
                    for obj in serializers.deserialize("python", rows):
                        # Field by field first, so a value the database would refuse (too long)
                        # is reported by name rather than as a database error.
                        _validate(obj.object, fields_only=True)
                        obj.save()
                        loaded.append(obj.object)
            connection.check_constraints()
            # Everything is in place now, so references in any order resolve: check each record
            # as a form would (choices, lengths, formats, foreign keys, uniqueness).
            for obj in loaded:
                _validate(obj)
            _reset_sequences()
    except ImportRefused:
        raise
    except (DeserializationError, IntegrityError, DatabaseError, ValueError, TypeError, KeyError, LookupError) as e:
        raise ImportRefused(f"The export could not be loaded, so nothing was changed: {e}") from None
    indexing.reindex_all()
    return {label: len(rows) for label, rows in records.items()}


def _validate(obj, *, fields_only: bool = False) -> None:
    try:
        if fields_only:
            obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.is_relation])
        else:
            obj.full_clean()
    except ValidationError as e:
        problems = "; ".join(f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in e.message_dict.items())
        raise ImportRefused(f"{obj._meta.label_lower} {obj.pk}: {problems}. Nothing was changed.") from None


def _load_users(rows: list[dict]) -> list:
    User = get_user_model()
    users = []
    for row in rows:
        fields = dict(row["fields"])
        role = fields.pop("role", "")
        unknown = set(fields) - set(USER_FIELDS)
        if unknown:
            raise ValueError(f"unknown user fields {sorted(unknown)}")
        user = User(pk=row["pk"], **{k: User._meta.get_field(k).to_python(v) for k, v in fields.items()})
        user.set_unusable_password()  # exports carry no secrets; users sign in by link or reset
        _validate(user, fields_only=True)
        user.save()
        users.append(user)
        if role:
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}")
            assign_role(user, role)
    return users


def _reset_sequences() -> None:
    models = [get_user_model(), *(apps.get_model(label) for label in MODELS)]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
