"""The demo's promises (#10): a news desk that is alive offline, dated from the load day."""

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from omvarld.catalogue.queries import entity_sections
from omvarld.core.models import Entity, Item
from omvarld.demo.snapshot import read_snapshot
from omvarld.editorial.models import Suggestion
from omvarld.monitoring.models import Cluster, Entry, EntryTag
from omvarld.newsdesk.models import NewsletterDraft, Tip


def test_the_demo_desk_is_alive(full_demo):
    _report, news, desk = full_demo
    now = timezone.now()
    demo = Entry.objects.filter(is_demo=True)

    # Several hundred entries, replayed through the pipeline, over the last eight weeks.
    assert news.entries == demo.count() >= 300
    assert not demo.filter(fetched_at__gt=now).exists()
    assert not demo.filter(fetched_at__lt=now - dt.timedelta(days=56)).exists()
    weeks = {(now - e).days // 7 for e in demo.values_list("fetched_at", flat=True)}
    assert weeks == set(range(8)), weeks
    assert not demo.filter(published_at__isnull=True).exists()
    assert set(demo.values_list("language", flat=True)) >= {"sv", "en"}

    # Near-duplicate clusters: the same story from several feeds.
    clusters = Cluster.objects.filter(entries__is_demo=True).distinct()
    assert clusters.count() >= 15
    assert all(len({e.source_id for e in c.entries.all()}) >= 2 for c in clusters)

    # Genuine tags from the tagger: the Amsterdam strategy is about Amsterdam and circularity.
    strategy = demo.get(guid="demo:https://www.amsterdam.nl/en/policy/sustainability/circular-economy/")
    assert strategy.tags.filter(entity__slug="amsterdam").exists()
    assert strategy.tags.filter(theme__slug="circular-economy").exists()
    assert EntryTag.objects.filter(entry__is_demo=True, theme__isnull=False).values("entry").distinct().count() >= 60
    assert EntryTag.objects.filter(entry__is_demo=True, entity__isnull=False).values("entry").distinct().count() >= 100

    # Open tips, partner suggestions waiting, published notices and the week's newsletter draft.
    assert news.tips == 3 and Tip.objects.filter(entry__status=Entry.Status.TIP).count() == 3
    assert Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED).count() >= 2
    assert desk.notices == 4
    assert demo.filter(status=Entry.Status.PUBLISHED).count() == 4
    draft = NewsletterDraft.objects.get()
    assert draft.status == NewsletterDraft.Status.DRAFT
    week_notices = Item.objects.filter(type=Item.Type.NEWS_NOTICE, published_at__date__gte=draft.week_start)
    assert week_notices.count() >= 1 and all(n.title in draft.text for n in week_notices)


def test_every_watched_entity_has_three_items_and_only_upcoming_events(full_demo):
    today = timezone.localdate()
    for entity in Entity.objects.filter(is_watched=True):
        n = Item.objects.filter(placements__entity=entity, status=Item.Status.PUBLISHED).distinct().count()
        assert n >= 3, f"{entity.slug} has {n} items"
    upcoming = 0
    for entity in Entity.objects.all():
        sections, _other = entity_sections(entity)
        for section in sections:
            if section.info_category.slug != "events":
                continue
            for item in section.items:
                if item.type == Item.Type.EVENT:
                    assert (item.ends_on or item.starts_on) >= today, f"{entity.slug}: past event {item.title}"
                    upcoming += 1
    assert upcoming >= 4
    # Past editions stay on the entity page, among its other items.
    _sections, other = entity_sections(Entity.objects.get(slug="nordic-edge"))
    assert any("2018" in it.title for it in other.items)


def _dates_by_title(html: str) -> dict[str, str]:
    """Card title -> the date its <time> shows."""
    out = {}
    for card in re.findall(r'<article class="card[^"]*".*?</article>', html, flags=re.S):
        title = re.search(r"<h3><a [^>]*>([^<]+)</a>", card)
        day = re.search(r'<time datetime="(\d{4}-\d{2}-\d{2})', card)
        if title and day:
            out[title.group(1).strip()] = day.group(1)
    return out


def test_an_item_has_one_date_everywhere(full_demo):
    client = Client()
    stream = _dates_by_title(client.get("/news/").content.decode())
    search = _dates_by_title(client.get("/search/", {"type": "news_notice"}).content.decode())
    both = set(stream) & set(search)
    assert len(both) >= 5
    assert {t: stream[t] for t in both} == {t: search[t] for t in both}
    # The report's notices keep their own dates (2015 stays 2015, not the load day).
    notice = Item.objects.get(type=Item.Type.NEWS_NOTICE, published_on=dt.date(2015, 5, 19))
    assert timezone.localdate(notice.published_at) == notice.published_on
    page = client.get(f"/items/{notice.pk}/").content.decode()
    assert 'datetime="2015-05-19"' in page


def test_loading_again_keeps_decisions_and_redates_the_rest(full_demo):
    from omvarld.demo.snapshot import load_snapshot
    from omvarld.monitoring.actions import discard_entry
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="editor")
    gone = Entry.objects.filter(is_demo=True, status=Entry.Status.NEW).first()
    discard_entry(entry=gone, user=editor)
    later = timezone.now() + dt.timedelta(days=10)
    load_snapshot(now=later)
    gone.refresh_from_db()
    assert gone.status == Entry.Status.DISCARDED
    assert Entry.objects.filter(guid=gone.guid).count() == 1
    newest = Entry.objects.filter(is_demo=True, status=Entry.Status.NEW).order_by("-fetched_at").first()
    assert newest.fetched_at > timezone.now() + dt.timedelta(days=9)


def test_the_snapshot_file_is_well_formed():
    header, entries = read_snapshot()
    assert "CC BY 4.0" in header["licences"]["swedish-ner-corpus"]
    assert len(entries) >= 300
    for e in entries:
        assert e["title"] and e["source"].startswith("https://") and 0 < float(e["age_hours"]) < 56 * 24
    assert len({e["guid"] for e in entries}) == len(entries)
