"""Loading the demo map (taxonomy, entities, items, relations) from ``data/demo.yaml``.

Loading is idempotent: records are matched on their slugs (items on their link and title), so
running it twice changes nothing and running it on a site with edits only adds what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from omvarld.accounts.roles import ADMIN, EDITOR, MEMBER, PARTNER, assign_role
from omvarld.core import indexing
from omvarld.core.models import (
    Entity,
    EntityRelation,
    EntitySection,
    InfoCategory,
    Item,
    Keyword,
    MainCategory,
    Placement,
    Region,
    Theme,
)

DEMO_FILE = Path(__file__).parent / "data" / "demo.yaml"

DEMO_USERS = [
    # (username, role, password): shown on the console by `omvarld loaddemo`, for trying the roles.
    ("admin", ADMIN, "omvarld-admin"),
    ("editor", EDITOR, "omvarld-editor"),
    ("partner", PARTNER, "omvarld-partner"),
    ("member", MEMBER, "omvarld-member"),
]


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _lines(values) -> str:
    return "\n".join(v for v in (values or []) if v)


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def load_demo(path: Path = DEMO_FILE, *, with_users: bool = True, now=None) -> LoadReport:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    now = now or timezone.now()
    report = LoadReport()
    with indexing.paused():
        # A file may hold only content and use the taxonomy already in the database (a programme's
        # profile loads the taxonomy first); what the file itself defines takes precedence.
        regions = {r.slug: r for r in Region.objects.all()}
        for i, r in enumerate(data.get("regions", [])):
            regions[r["slug"]], _ = Region.objects.update_or_create(
                slug=r["slug"], defaults={"name_sv": r["name_sv"], "name_en": r["name_en"], "order": i}
            )
        themes = {t.slug: t for t in Theme.objects.all()}
        for i, t in enumerate(data.get("themes", [])):
            themes[t["slug"]], _ = Theme.objects.update_or_create(
                slug=t["slug"],
                defaults={
                    "label_sv": t["label_sv"],
                    "label_en": t["label_en"],
                    "synonyms_sv": _lines(t.get("synonyms_sv")),
                    "synonyms_en": _lines(t.get("synonyms_en")),
                    "order": i,
                },
            )
        cats = {c.slug: c for c in MainCategory.objects.all()}
        infocats = {(ic.main_category.slug, ic.slug): ic for ic in InfoCategory.objects.select_related("main_category")}
        for i, c in enumerate(data.get("main_categories", [])):
            cat, _ = MainCategory.objects.update_or_create(
                slug=c["slug"],
                defaults={
                    "name_sv": c["name_sv"],
                    "name_en": c["name_en"],
                    "description_sv": c.get("description_sv", ""),
                    "description_en": c.get("description_en", ""),
                    "order": i,
                },
            )
            cats[c["slug"]] = cat
            for j, ic in enumerate(c.get("info_categories", [])):
                infocats[(c["slug"], ic["slug"])], _ = InfoCategory.objects.update_or_create(
                    main_category=cat, slug=ic["slug"], defaults={"name_sv": ic["name_sv"], "name_en": ic["name_en"], "order": j}
                )
        entities = {}
        for e in data.get("entities", []):
            ent, created = Entity.objects.update_or_create(
                slug=e["slug"],
                defaults={
                    "main_category": cats[e["category"]],
                    "name_sv": e.get("name_sv") or e["name_en"],
                    "name_en": e.get("name_en") or e["name_sv"],
                    "aliases": _lines(e.get("aliases")),
                    "summary_sv": e.get("summary_sv", ""),
                    "summary_en": e.get("summary_en", ""),
                    "country": (e.get("country") or "")[:2],
                    "region": regions.get(e.get("region")),
                    "latitude": e.get("lat"),
                    "longitude": e.get("lon"),
                    "website": e.get("website") or "",
                    "priority": e.get("priority", 2),
                    "is_watched": bool(e.get("watched")),
                },
            )
            if created:
                # The map existed before this install: the demo's entities are not "new".
                old = now - dt.timedelta(days=400)
                Entity.objects.filter(pk=ent.pk).update(created_at=old, updated_at=old)
            entities[e["slug"]] = ent
            for ic_slug, text in (e.get("sections") or {}).items():
                ic = infocats.get((e["category"], ic_slug))
                if ic is None:
                    raise ValueError(f"entity {e['slug']}: unknown information category {ic_slug!r}")
                EntitySection.objects.update_or_create(
                    entity=ent, info_category=ic, defaults={"body_sv": text.get("sv", ""), "body_en": text.get("en", "")}
                )
        for r in data.get("relations", []):
            EntityRelation.objects.get_or_create(source=entities[r["from"]], kind=r["kind"], target=entities[r["to"]])
        n_items = 0
        for n, it in enumerate(data.get("items", [])):
            _load_item(it, n, entities, infocats, themes, now)
            n_items += 1
    report.counts["items"] = n_items
    report.counts["sources"] = _load_sources(data.get("sources", []), entities)
    indexing.reindex_all()
    report.counts.update(
        regions=len(regions), themes=len(themes), main_categories=len(cats), entities=len(entities),
        relations=EntityRelation.objects.count(),
    )
    if with_users:
        report.users = ensure_demo_users()
    from omvarld.events.demo import load_demo_events

    report.counts["events"] = load_demo_events()
    return report


def _load_sources(sources, entities) -> int:
    """The watched entities' public feeds, added without fetching (the worker fetches them)."""
    from omvarld.lib.fetch import host_key
    from omvarld.monitoring.models import Source

    for s in sources:
        source, _ = Source.objects.get_or_create(
            url=s["url"], defaults={"kind": s.get("kind", "feed"), "host": host_key(s["url"]), "title": s.get("title", "")}
        )
        source.entities.add(*[entities[slug] for slug in s.get("entities", [])])
    return len(sources)


def _load_item(it, n, entities, infocats, themes, now):
    first = entities[it["entities"][0]]
    published_on = _date(it.get("published"))
    starts_on, ends_on = _date(it.get("starts")), _date(it.get("ends"))
    if "starts_in_days" in it:
        # A recurring event whose next edition the demo places relative to the load day.
        starts_on = timezone.localdate(now) + dt.timedelta(days=int(it["starts_in_days"]))
        ends_on = starts_on + dt.timedelta(days=int(it.get("days", 1)) - 1)
    defaults = {
        "type": it.get("type", "link"),
        "source_name": it.get("source", ""),
        "language": it.get("language", "en"),
        "published_on": published_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "location": it.get("location", ""),
        "summary": it.get("summary", ""),
        "commentary": it.get("commentary", ""),
        "results": it.get("results", ""),
        "method": it.get("method", ""),
        "financing": it.get("financing", ""),
        "lessons": it.get("lessons", ""),
        "status": Item.Status.PUBLISHED,
    }
    item, created = Item.objects.update_or_create(title=it["title"], url=it.get("url", ""), defaults=defaults)
    if created:
        # Spread the demo over time so the what's-new page shows a realistic mix: every seventh
        # item was added recently, every eleventh was updated recently, the rest are older.
        if n % 7 == 0:
            created_at = updated_at = now - dt.timedelta(days=n % 25, hours=n % 24)
        else:
            created_at = now - dt.timedelta(days=120 + n * 3)
            updated_at = now - dt.timedelta(days=n % 20, hours=3) if n % 11 == 0 else created_at
        # The site published the item on its own date when it has one, so every page that shows
        # the item (news stream, search, item page) shows the same day.
        published_at = _at(published_on) if published_on and published_on <= now.date() else created_at
        Item.objects.filter(pk=item.pk).update(created_at=created_at, updated_at=updated_at, published_at=published_at)
    elif published_on and published_on <= now.date() and item.published_at and timezone.localdate(item.published_at) != published_on:
        Item.objects.filter(pk=item.pk).update(published_at=_at(published_on))
    item.themes.set([themes[t] for t in it.get("themes", [])])
    keywords = [str(k).strip().lower()[:100] for k in it.get("keywords", []) if str(k).strip()]
    item.keywords.set([Keyword.objects.get_or_create(name=k)[0] for k in keywords])
    info = infocats.get((first.main_category.slug, it.get("info_category")))
    for i, slug in enumerate(it["entities"]):
        Placement.objects.update_or_create(item=item, entity=entities[slug], defaults={"info_category": info if i == 0 else None})


def ensure_demo_users() -> list[tuple[str, str, str]]:
    User = get_user_model()
    out = []
    for username, role, password in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        if created:
            user.set_password(password)
            user.save()
        assign_role(user, role)
        out.append((username, role, password))
    return out
