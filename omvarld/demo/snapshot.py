"""The demo's news desk, alive offline: a recorded snapshot replayed through the monitoring pipeline.

``data/snapshot.jsonl`` holds feed entries as the demo sources publish them (see
``scripts/record-demo-snapshot`` for where the material comes from), each with its age in hours
counted back from the load day. ``load_snapshot`` turns every line into a feed ``Candidate`` and
runs the real pipeline on it (cleaning, language, deduplication, near-duplicate clusters, entity
and theme tagging, scoring), so the inbox shows genuine tags and clusters; the entries are marked
``is_demo``. ``load_desk`` then adds what an editor finds on a working desk: open tips, partner
suggestions waiting for review, a few published notices and the week's drafted newsletter.

Loading again refreshes the dates: demo entries nobody has decided on are replayed relative to the
new load day; what editors picked, discarded or published stays as it is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

SNAPSHOT_FILE = Path(__file__).parent / "data" / "snapshot.jsonl"


@dataclass
class SnapshotReport:
    entries: int = 0
    clusters: int = 0
    tips: int = 0
    suggestions: int = 0
    notices: int = 0
    newsletter: str = ""
    skipped: list[str] = field(default_factory=list)


def read_snapshot(path: Path = SNAPSHOT_FILE) -> tuple[dict, list[dict]]:
    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines or "snapshot" not in lines[0]:
        raise ValueError(f"{path}: not a demo snapshot (the first line must be its header)")
    return lines[0], lines[1:]


def _sources(header: dict, entries: list[dict]):
    """The snapshot's sources: the demo's feeds (loaded from demo.yaml) and the snapshot's own."""
    from omvarld.lib.fetch import host_key
    from omvarld.monitoring.models import Source

    for s in header.get("sources", []):
        Source.objects.get_or_create(
            url=s["url"],
            defaults={"kind": "feed", "host": host_key(s["url"]), "title": s.get("title", ""), "category": "Demo",
                      # A recording, not a feed: the worker never fetches it.
                      "paused": bool(s.get("paused")), "paused_reason": "by_editor" if s.get("paused") else ""},
        )
    urls = {e["source"] for e in entries}
    found = {s.url: s for s in Source.objects.filter(url__in=urls).prefetch_related("entities")}
    missing = urls - set(found)
    if missing:
        raise ValueError(f"snapshot names sources the demo does not have: {sorted(missing)}")
    return found


def load_snapshot(path: Path = SNAPSHOT_FILE, *, now=None) -> SnapshotReport:
    """Replay the recorded entries through the monitoring pipeline, dated relative to ``now``."""
    from omvarld.monitoring import pipeline
    from omvarld.monitoring.models import Cluster, Entry
    from omvarld.monitoring.sources.base import Candidate

    now = now or timezone.now()
    header, entries = read_snapshot(path)
    report = SnapshotReport()
    with transaction.atomic():
        sources = _sources(header, entries)
        # Undecided demo entries are replayed with fresh dates; decided ones stay (and, as
        # tombstones or picks, keep their stories from coming back twice).
        stale = Entry.objects.filter(is_demo=True, status=Entry.Status.NEW, decisions__isnull=True, tips__isnull=True)
        Cluster.objects.filter(entries__in=stale).delete()
        stale.delete()
        ctx = pipeline.Context.load()
        entity_ids = {url: [e.pk for e in s.entities.all()] for url, s in sources.items()}
        # Oldest first, so clusters form as they did when the stories came in.
        for e in sorted(entries, key=lambda e: -float(e["age_hours"])):
            source = sources[e["source"]]
            fetched = now - dt.timedelta(hours=float(e["age_hours"]))
            candidate = Candidate(
                guid=e["guid"], link=e.get("link", ""), title=e["title"], html=e.get("html", ""),
                published=fetched - dt.timedelta(minutes=30), link_is_identity=e.get("link_is_identity", True),
            )
            prepared = pipeline.prepare(candidate, ctx, source_entities=entity_ids[e["source"]],
                                        source_priority=source.priority, now=now)
            fresh = pipeline.drop_known(source, [prepared])
            if not fresh:
                report.skipped.append(e["guid"])
                continue
            pipeline.store(source, fresh, now=fetched)
            Entry.objects.filter(source=source, guid=prepared.guid).update(is_demo=True)
            report.entries += 1
        report.clusters = Cluster.objects.filter(entries__is_demo=True).distinct().count()
    report.tips = _tips(entries)
    return report


def _demo_user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _tips(entries: list[dict]) -> int:
    """The member's tips in the snapshot, waiting in the inbox as tips."""
    from omvarld.monitoring.actions import mark_tip
    from omvarld.monitoring.models import Entry
    from omvarld.newsdesk.models import Tip

    member = _demo_user("member")
    if member is None:
        return 0
    n = 0
    for e in entries:
        if not e.get("tip"):
            continue
        entry = Entry.objects.filter(guid=e["guid"], is_demo=True).first()
        if entry is None or entry.status not in (Entry.Status.NEW, Entry.Status.TIP):
            continue
        if entry.status == Entry.Status.NEW:
            mark_tip(entry=entry, user=member)
        Tip.objects.get_or_create(entry=entry, sender=member, defaults={"note": e["tip"]})
        n += 1
    return n


# Partner suggestions waiting for review: real material, with the partner's reason.
SUGGESTIONS = [
    {
        "title": "Oslo klimabudsjett – klimatbudget som styrinstrument",
        "type": "link",
        "url": "https://www.klimaoslo.no/",
        "source_name": "Oslo kommune (Klimaetaten)",
        "language": "other",
        "summary": "Oslo har sedan 2017 en klimatbudget som följer stadens ordinarie budgetprocess: varje förvaltning "
                   "får utsläppsminskningar att genomföra och redovisa, på samma sätt som pengar.",
        "note": "Flera svenska städer i Klimatkontrakt 2030 arbetar med klimatbudgetar; Oslos koppling till den "
                "ordinarie budgetprocessen är den del som oftast efterfrågas.",
        "entities": ["oslo"],
    },
    {
        "title": "Paris: 15-minutersstaden som planeringsprincip",
        "type": "link",
        "url": "https://www.paris.fr/",
        "source_name": "Ville de Paris",
        "language": "fr",
        "summary": "Paris har gjort 15-minutersstaden (la ville du quart d'heure) till en princip för stadsplanering: "
                   "vardagens service ska nås till fots eller med cykel inom en kvart.",
        "note": "Begreppet används allt oftare i svenska översiktsplaner; Paris genomförande visar vad det kräver "
                "av skolgårdar, gator och lokal service.",
        "entities": ["paris"],
    },
]


def _suggestions() -> int:
    from omvarld.core.models import Entity
    from omvarld.editorial.actions import submit_suggestion
    from omvarld.editorial.models import Suggestion

    partner = _demo_user("partner")
    if partner is None:
        return 0
    n = 0
    for s in SUGGESTIONS:
        if Suggestion.objects.filter(title=s["title"]).exists():
            continue
        data = {k: v for k, v in s.items() if k != "entities"}
        data["published_on"] = None
        data["entities"] = sorted(Entity.objects.filter(slug__in=s["entities"]).values_list("pk", flat=True))
        submit_suggestion(author=partner, kind=Suggestion.Kind.NEW_ITEM, title=s["title"], data=data)
        n += 1
    return n


def _notices(entries: list[dict]) -> int:
    """The snapshot's stories that editors already wrote up, published as news notices."""
    from omvarld.core.models import Entity, Item, Theme
    from omvarld.monitoring.actions import mark_published, pick_entry
    from omvarld.monitoring.models import Entry
    from omvarld.newsdesk.actions import publish_notice

    editor = _demo_user("editor")
    if editor is None:
        return 0
    n = 0
    for e in entries:
        notice = e.get("notice")
        if not notice or Item.objects.filter(type=Item.Type.NEWS_NOTICE, title=e["title"]).exists():
            continue
        entry = Entry.objects.filter(guid=e["guid"], is_demo=True).select_related("source").first()
        if entry is None:
            continue
        pick_entry(entry=entry, user=editor)
        publish_notice(
            user=editor, title=entry.title, url=entry.url, source_name=entry.source.title if entry.source else "",
            language=entry.language or "en", published_on=timezone.localdate(),
            summary=entry.text, commentary=notice["commentary"],
            entities=list(Entity.objects.filter(slug__in=notice.get("entities", []))),
            themes=list(Theme.objects.filter(slug__in=notice.get("themes", []))),
        )
        mark_published(entry=entry, user=editor)
        n += 1
    return n


def load_desk(path: Path = SNAPSHOT_FILE) -> SnapshotReport:
    """Suggestions waiting for review, published notices and this week's newsletter draft."""
    from omvarld.newsdesk.actions import build_newsletter_draft

    _header, entries = read_snapshot(path)
    report = SnapshotReport()
    report.suggestions = _suggestions()
    report.notices = _notices(entries)
    draft = build_newsletter_draft(user=None)
    report.newsletter = draft.subject
    return report
