"""Trend detection on planted signals, the radar page and the weekly summary."""

import datetime as dt
import random

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from omvarld.accounts.roles import assign_role
from omvarld.monitoring.models import Entry, EntryTag, Source
from omvarld.trends.compute import build_weekly_rising, compute_trends
from omvarld.trends.models import Trend, WeeklyRising

FILLER = ("council", "budget", "transport", "housing", "school", "report", "plan", "water", "parks", "library",
          "election", "museum", "harbour", "bridge", "festival", "hospital", "tourism", "jobs", "market", "tax")


def _sources(n):
    return [Source.objects.create(kind="feed", url=f"https://s{i}.example.org/feed", host=f"s{i}.example.org", title=f"Source {i}") for i in range(n)]


def _entries(rows, now):
    objs = []
    for n, (source, week, title) in enumerate(rows):
        at = now - dt.timedelta(days=7 * week + 1 + (n % 5))
        objs.append(Entry(source=source, guid=f"g{n}", url=f"https://x.example.org/{n}", title=title, language="en",
                          fetched_at=at, published_at=at, content_hash=f"h{n}"))
    return Entry.objects.bulk_create(objs, batch_size=1000)


@pytest.fixture
def planted(db):
    """A year of ordinary news from six sources, with three planted signals."""
    rnd = random.Random(7)
    now = timezone.now()
    sources = _sources(6)
    rows = []
    for week in range(52):
        for source in sources:
            for _ in range(6):
                words = rnd.sample(FILLER, 3)
                # "city" is merely frequent: in a third of all titles, all year, everywhere.
                rows.append((source, week, " ".join(words + (["city"] if rnd.random() < 0.33 else []))))
    # Rising in three sources over the last four weeks.
    for week, per_source in ((3, 1), (2, 2), (1, 3), (0, 4)):
        for source in sources[:3]:
            rows += [(source, week, f"hydrogen buses {FILLER[i]}") for i in range(per_source)]
    # Rising just as steeply, but in one source only.
    for week, n in ((3, 2), (2, 5), (1, 9), (0, 14)):
        rows += [(sources[4], week, f"blockchain ledger {FILLER[i % 20]}") for i in range(n)]
    _entries(rows, now)
    return now


def test_a_term_rising_in_three_sources_is_in_the_top_five(planted):
    compute_trends(now=planted)
    top = list(Trend.objects.filter(window=4).order_by("rank").values_list("key", flat=True)[:5])
    assert "hydrogen" in top
    assert "blockchain" not in top and "ledger" not in top  # one source only
    assert "citi" not in top and "city" not in top  # merely frequent
    hydrogen = Trend.objects.get(window=4, key="hydrogen")
    assert hydrogen.sources == 3 and hydrogen.kind == "term" and hydrogen.label_en == "hydrogen"
    assert len(hydrogen.series) == 4 and hydrogen.series[-1][1] == 9  # 4 a week per source, capped at 3
    assert len(hydrogen.examples) == 3 and len({e[3] for e in hydrogen.examples}) == 3


def test_nothing_rises_in_a_flat_stream(db):
    rnd = random.Random(1)
    now = timezone.now()
    sources = _sources(5)
    _entries([(s, w, " ".join(rnd.sample(FILLER, 3))) for w in range(20) for s in sources for _ in range(5)], now)
    compute_trends(now=now)
    assert Trend.objects.filter(window=4).count() <= 1


def test_swedish_and_english_names_count_as_one_theme(mini_map):
    from omvarld.core.models import Theme

    now = timezone.now()
    energy = Theme.objects.get(slug="energy")
    sources = _sources(4)
    rows = [(s, w, f"Ordinary news {FILLER[w % 20]}") for w in range(12) for s in sources for _ in range(4)]
    titles = ["Fjärrvärme byggs ut i Malmö", "District heating expands in Leeds"]
    for week, n in ((1, 2), (0, 3)):
        rows += [(s, week, titles[i % 2]) for s in sources[:3] for i in range(n)]
    entries = _entries(rows, now)
    matched = {titles[0]: "Fjärrvärme", titles[1]: "District heating"}
    tags = [EntryTag(entry=e, theme=energy, method="synonym", matched=matched[e.title]) for e in entries if e.title in titles]
    EntryTag.objects.bulk_create(tags)
    compute_trends(now=now)
    found = Trend.objects.filter(window=4, kind="theme")
    assert [(t.key, t.label_sv, t.label_en) for t in found] == [(str(energy.pk), "Energi", "Energy")]
    # the theme's own words are not counted again as separate terms, in either language
    keys = set(Trend.objects.filter(window=4).values_list("key", flat=True))
    assert not keys & {"fjärrvärm", "fjärrvärme", "district", "heat", "heating"}


def test_the_radar_page_in_both_languages(client, planted):
    compute_trends(now=planted)
    html = client.get("/trends/").content.decode()
    assert "Trendradar" in html and "hydrogen" in html and "i 3 källor" in html
    assert '<svg class="sparkline"' in html and 'role="img"' in html and "<table" in html
    assert "/follow/keyword/hydrogen/" not in html  # anonymous: a sign-in link instead
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/trends/?weeks=12").content.decode()
    assert "Trend radar" in html and "in 3 sources" in html
    assert client.get("/trends/?weeks=banana").status_code == 200


def test_a_member_can_follow_a_rising_term(client, planted):
    from omvarld.personal.models import Follow

    compute_trends(now=planted)
    user = get_user_model().objects.create_user("m", "m@example.org", "pw")
    client.force_login(user)
    html = client.get("/trends/").content.decode()
    assert "/follow/keyword/hydrogen/" in html
    client.post("/follow/keyword/hydrogen/")
    assert Follow.objects.filter(user=user, kind="keyword", keyword="hydrogen").exists()


def test_weekly_summary_and_one_click_notice(client, planted):
    compute_trends(now=planted)
    monday = timezone.localtime(planted)
    monday -= dt.timedelta(days=monday.weekday())
    assert build_weekly_rising(now=monday + dt.timedelta(days=1)) is None  # only on Mondays
    summary = build_weekly_rising(now=monday)
    assert summary.lines and summary.lines[0]["label_en"]
    assert "hydrogen" in [line["label_en"] for line in summary.lines]
    editor = get_user_model().objects.create_user("edith", "e@example.org", "pw", is_staff=True)
    assign_role(editor, "editor")
    member = get_user_model().objects.create_user("mats", "mm@example.org", "pw")
    client.force_login(member)
    assert client.get("/trends/weekly/").status_code == 403
    client.force_login(editor)
    html = client.get("/trends/weekly/").content.decode()
    assert "/news/notices/new/?title=" in html
    url = html.split('href="/news/notices/new/?')[1].split('"')[0].replace("&amp;", "&")
    form = client.get("/news/notices/new/?" + url)
    assert form.status_code == 200 and "hydrogen" in form.content.decode()
    assert WeeklyRising.objects.count() == 1
