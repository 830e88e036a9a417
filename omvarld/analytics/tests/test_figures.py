"""The "read last 30 days" figure for editors, and the newsletter's most read items."""

import datetime as dt

from django.utils import timezone

from omvarld.analytics.models import DailyCount, Kind
from omvarld.core.models import Entity, Item, Theme
from omvarld.newsdesk.models import NewsletterDraft


def test_editors_see_how_often_a_page_was_read(client, editor, mini_map):
    today = timezone.localdate()
    amsterdam = Entity.objects.get(slug="amsterdam")
    item = Item.objects.filter(status="published").first()
    energy = Theme.objects.get(slug="energy")
    DailyCount.objects.create(day=today, kind=Kind.VIEW_ENTITY, target=f"entity:{amsterdam.pk}", count=4)
    DailyCount.objects.create(day=today - dt.timedelta(days=29), kind=Kind.VIEW_ENTITY, target=f"entity:{amsterdam.pk}", count=3)
    DailyCount.objects.create(day=today - dt.timedelta(days=30), kind=Kind.VIEW_ENTITY, target=f"entity:{amsterdam.pk}", count=100)
    DailyCount.objects.create(day=today, kind=Kind.VIEW_ITEM, target=f"item:{item.pk}", count=1)
    DailyCount.objects.create(day=today, kind=Kind.VIEW_THEME, target=f"theme:{energy.pk}", count=12)
    assert "in the last 30 days" not in client.get("/entities/amsterdam/").content.decode()
    client.force_login(editor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Read 7 times in the last 30 days" in client.get("/entities/amsterdam/").content.decode()
    assert "Read 1 time in the last 30 days" in client.get(f"/items/{item.pk}/").content.decode()
    assert "Read 12 times in the last 30 days" in client.get("/themes/energy/").content.decode()


def test_the_newsletter_draft_offers_the_weeks_most_read_items(client, editor, mini_map):
    today = timezone.localdate()
    week_start = today - dt.timedelta(days=today.weekday())
    draft = NewsletterDraft.objects.create(week_start=week_start, subject="Week", html="<p>x</p>", text="x")
    popular, other, old = Item.objects.filter(status="published")[:3]
    DailyCount.objects.create(day=today, kind=Kind.VIEW_ITEM, target=f"item:{popular.pk}", count=9)
    DailyCount.objects.create(day=today, kind=Kind.VIEW_ITEM, target=f"item:{other.pk}", count=2)
    DailyCount.objects.create(day=today - dt.timedelta(days=20), kind=Kind.VIEW_ITEM, target=f"item:{old.pk}", count=50)
    client.force_login(editor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/news/newsletters/{draft.pk}/").content.decode()
    section = html[html.index("Most read this week"):html.index("Preview</h2>")]
    assert section.index(popular.title) < section.index(other.title)
    assert "9 views" in section and old.title not in section
