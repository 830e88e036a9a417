"""Text that XML 1.0 can carry.

XML 1.0 forbids most C0 control characters (all but tab, line feed and carriage return), the
surrogates and U+FFFE/U+FFFF. One such character in a stored title makes every Atom and RSS feed
that lists it fail to serialise, so text is cleaned of them before it is stored (a ``pre_save``
hook on every model, connected by ``omvarld.core``) and again when a feed is written.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (returned unchanged when it has none)."""
    if not value or _FORBIDDEN.search(value) is None:
        return value
    return _FORBIDDEN.sub("", value)


def clean_value(value):
    """Strings, and strings inside lists, tuples and dicts (JSON fields), cleaned; anything else as is."""
    if isinstance(value, str):
        return clean_xml_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(clean_value(v) for v in value)
    if isinstance(value, dict):
        return {clean_value(k) if isinstance(k, str) else k: clean_value(v) for k, v in value.items()}
    return value


def clean_instance(instance) -> None:
    """Clean every text field of a model instance in place (char, text, URL, email, slug, JSON)."""
    for field in instance._meta.concrete_fields:
        if field.get_internal_type() not in _TEXT_FIELDS:
            continue
        value = getattr(instance, field.attname, None)
        cleaned = clean_value(value)
        if cleaned is not value and cleaned != value:
            setattr(instance, field.attname, cleaned)


_TEXT_FIELDS = {"CharField", "TextField", "SlugField", "URLField", "EmailField", "JSONField"}
