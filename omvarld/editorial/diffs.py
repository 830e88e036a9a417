"""Readable differences between two snapshots of a record, for the revision history."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from omvarld.core.models import Entity, InfoCategory, Theme
from omvarld.editorial.revisions import TRACKED

_EXTRA_LABELS = {
    "themes": lambda: _("Themes"),
    "keywords": lambda: _("Keywords"),
    "placements": lambda: _("Entities and information categories"),
    "sections": lambda: _("Texts per information category"),
    "relations": lambda: _("Relations"),
}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str

    @property
    def html(self) -> SafeString:
        return word_diff(self.old, self.new)


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with deleted words in <del> and added ones in <ins>, everything else escaped."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


class _Names:
    """Display names of related records, looked up once per diff."""

    def __init__(self):
        self.cache: dict[tuple[type, int], str] = {}

    def of(self, model, pk) -> str:
        if pk is None:
            return "—"
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            self.cache[key] = str(obj) if obj is not None else f"#{pk}"
        return self.cache[key]


def _display(model, name: str, value, names: _Names) -> str:
    if name == "themes":
        return ", ".join(names.of(Theme, pk) for pk in value)
    if name == "keywords":
        return ", ".join(value)
    if name == "placements":
        return "\n".join(names.of(Entity, e) + (f" ({names.of(InfoCategory, ic)})" if ic else "") for e, ic in value)
    if name == "sections":
        return "\n".join(f"{names.of(InfoCategory, int(ic))}: {sv} / {en}" for ic, (sv, en) in sorted(value.items()))
    if name == "relations":
        return "\n".join(f"{kind} {names.of(Entity, target)}{f' ({note})' if note else ''}" for kind, target, note in value)
    f = model._meta.get_field(name)
    if f.is_relation:
        return names.of(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def _label(model, name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name]())
    return str(model._meta.get_field(name).verbose_name).capitalize()


def changes(model_label: str, old: dict | None, new: dict) -> list[Change]:
    """What differs between two snapshots of one record (``old`` None: everything is new)."""
    model = TRACKED[model_label]
    names = _Names()
    out = []
    for name, value in new.items():
        before = (old or {}).get(name)
        if old is not None and before == value:
            continue
        if old is None and value in (None, "", [], {}, False):
            continue
        out.append(Change(
            field=name, label=_label(model, name),
            old="" if old is None or before is None else _display(model, name, before, names),
            new=_display(model, name, value, names),
        ))
    return out
