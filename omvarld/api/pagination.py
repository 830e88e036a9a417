"""Keyset (cursor) pagination: a page starts after the last record of the previous page.

Offsets shift when records arrive between two requests, so a reader would see a record twice or
miss one. A cursor holds the sort values of the last record instead, and the next page asks for
records strictly after them in the same order, so records present all along are each seen once
whatever is added meanwhile.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.db.models import Q

from omvarld.api.errors import bad_parameter

MAX_CURSOR = 200


def encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, kinds: list[type]) -> list:
    """The sort values in ``cursor``, checked against the expected types, or a 400 naming ``cursor``."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError
        return [_parse(v, k) for v, k in zip(raw, kinds, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise bad_parameter("cursor", "The cursor is not one this API handed out; start again without it.") from None


def _parse(value, kind):
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
            raise ValueError
        return value
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    raise TypeError(kind)


def page(qs, *, order: list[tuple[str, bool]], kinds: list[type], cursor: str | None, limit: int):
    """One page of ``qs`` in ``order`` ([(field, descending)]) after ``cursor``, and the next cursor."""
    qs = qs.order_by(*[("-" if desc else "") + f for f, desc in order])
    if cursor:
        qs = qs.filter(_after(order, decode(cursor, kinds)))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode([getattr(rows[-1], f) for f, _ in order]) if more else None
    return rows, next_cursor


def _after(order, values) -> Q:
    """(a, b) after (x, y) in the given directions: a beyond x, or a = x and b beyond y."""
    condition = Q()
    for i in reversed(range(len(order))):
        field, desc = order[i]
        beyond = Q(**{f"{field}__{'lt' if desc else 'gt'}": values[i]})
        condition = beyond if i == len(order) - 1 else beyond | (Q(**{field: values[i]}) & condition)
    return condition
