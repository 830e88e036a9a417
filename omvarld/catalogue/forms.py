"""Parsing of the public search and browse parameters: unknown values give a message, not a 500."""

import datetime as dt

from django.utils.translation import gettext as _

from omvarld.catalogue.queries import Filters
from omvarld.core.models import Item

MAX_QUERY = 200


def parse_filters(params) -> Filters:
    f = Filters()
    q = params.get("q", "")
    if len(q) > MAX_QUERY:
        f.errors["q"] = _("The search text is too long (at most %(n)d characters).") % {"n": MAX_QUERY}
        q = q[:MAX_QUERY]
    f.q = q.strip()
    type_ = params.get("type", "")
    if type_ and type_ not in Item.Type.values:
        f.errors["type"] = _("Unknown type.")
    else:
        f.type = type_
    for name in ("theme", "region", "entity", "category"):
        value = params.get(name, "")[:120]
        setattr(f, name, value)
    lang = params.get("lang", "")
    if lang and (len(lang) > 8 or not lang.isalpha()):
        f.errors["lang"] = _("Unknown language.")
    else:
        f.lang = lang.lower()
    for param, attr in (("from", "date_from"), ("to", "date_to")):
        value = params.get(param, "").strip()
        if value:
            try:
                setattr(f, attr, dt.date.fromisoformat(value))
            except ValueError:
                f.errors[param] = _("Give the date as YYYY-MM-DD.")
    return f


def parse_page(value: str | None) -> int:
    try:
        page = int(value or 1)
    except ValueError:
        return 1
    return min(max(page, 1), 1000)


def parse_days(value: str | None, default: int) -> int:
    try:
        days = int(value or default)
    except ValueError:
        return default
    return min(max(days, 1), 3650)
