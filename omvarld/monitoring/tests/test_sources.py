"""Fetching sources end to end from a local server: real feeds and adversarial answers.

In every case the fetch returns (never raises), the source shows a plain-words error when it
failed, and nothing unsafe is stored.
"""

import gzip
from pathlib import Path

import pytest

from omvarld.monitoring import actions
from omvarld.monitoring.errors import MESSAGES
from omvarld.monitoring.models import Entry, FetchLog, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>https://example.org/</link>
{items}
</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><guid>{guid}</guid><description>{body}</description></item>"


def rss(*items) -> bytes:
    return RSS.format(items="\n".join(ITEM.format(**i) for i in items)).encode()


def make_source(url, kind="feed", **kw) -> Source:
    from omvarld.lib.fetch import host_key

    return Source.objects.create(kind=kind, url=url, host=host_key(url), **kw)


def fetch(source):
    log = actions.fetch_source(source=source, worker="test")
    source.refresh_from_db()
    return log


def _feed_files(data_dir: Path):
    return sorted(p for p in (data_dir / "feeds").rglob("*") if p.is_file() and p.suffix != ".tsv")


def test_every_shared_feed_yields_entries_or_a_clear_error(loopback, server, data_dir):
    files = _feed_files(data_dir)
    assert len(files) > 100
    real_without_entries = []
    for n, path in enumerate(files):
        rel = path.relative_to(data_dir / "feeds").as_posix()
        url = server.add(f"/f{n}", path.read_bytes(), content_type="application/octet-stream")
        source = make_source(url, title=rel)
        log = fetch(source)
        if log.error_key:
            assert log.error_key in MESSAGES and log.error_key != "internal_error", (rel, log.error_key, log.error_params)
            assert source.last_error and source.last_error != log.error_key
            if rel.startswith("real/"):
                real_without_entries.append(rel)
        elif rel.startswith("real/"):
            assert log.entries_seen > 0, rel
    assert real_without_entries == []
    # Every real feed stored entries, and none of them carries a script.
    assert Entry.objects.count() > 800  # fewer than seen: some feeds are the same blog in two formats
    assert not Entry.objects.filter(summary_html__icontains="<script").exists()


def test_real_feed_counts_match_feedparser(loopback, server, data_dir):
    import csv

    rows = {r["path"]: r for r in csv.DictReader((data_dir / "feeds" / "FEEDS.tsv").open(), delimiter="\t")}
    for path, row in rows.items():
        if not path.startswith("real/") or not row["feedparser_entries"].isdigit() or int(row["feedparser_entries"]) == 0:
            continue
        url = server.add("/" + path, (data_dir / "feeds" / path).read_bytes())
        log = fetch(make_source(url))
        assert log.entries_seen == int(row["feedparser_entries"]), path


def test_html_is_sanitised(loopback, server):
    body = "&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;a href=&quot;javascript:alert(1)&quot;&gt;link&lt;/a&gt;&lt;/p&gt;"
    url = server.add("/feed", rss({"title": "Evil &lt;b&gt;title&lt;/b&gt;", "link": "https://example.org/a?utm_source=x&amp;id=3", "guid": "1", "body": body}))
    source = make_source(url)
    assert fetch(source).entries_new == 1
    entry = Entry.objects.get()
    html = entry.summary_html.lower()
    assert "script" not in html and "onerror" not in html and "onclick" not in html and "javascript:" not in html
    assert "alert" not in entry.text
    assert entry.url == "https://example.org/a?id=3"
    assert entry.title == "Evil title"


def test_billion_laughs_feed_is_refused(loopback, server):
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + ("" if i == 1 else str(i - 1)) + ";") * 10}">' for i in range(1, 10)]
    body = f"""<?xml version="1.0"?><!DOCTYPE rss [{''.join(lol)}]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://e.org/1</link></item></channel></rss>"""
    source = make_source(server.add("/lol", body.encode()))
    log = fetch(source)
    assert log.error_key == "parse_entities"
    assert "entities" in source.last_error
    assert Entry.objects.count() == 0


def test_xxe_feed_cannot_read_local_files(loopback, server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    body = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>leak &xxe;</title><link>https://e.org/1</link><description>&xxe;</description></item></channel></rss>"""
    source = make_source(server.add("/xxe", body.encode()))
    log = fetch(source)
    assert log.error_key == "parse_entities"
    assert not Entry.objects.filter(text__contains="TOP-SECRET").exists()
    assert not Entry.objects.filter(title__contains="TOP-SECRET").exists()


def test_broken_encodings_are_read_or_reported(loopback, server):
    latin1 = rss({"title": "Malmö café", "link": "https://e.org/1", "guid": "1", "body": "Göteborg"}).replace(b'encoding="utf-8"', b"").decode().encode("latin-1")
    garbage = b"<?xml version='1.0' encoding='bogus-enc'?>\xff\xfe\x00garbage<rss"
    for path, body in (("/latin1", latin1), ("/garbage", garbage), ("/empty", b""), ("/binary", bytes(range(256)) * 10)):
        source = make_source(server.add(path, body))
        log = fetch(source)
        assert log.error_key in MESSAGES or log.entries_seen >= 1, path
        assert log.error_key != "internal_error"
    assert Entry.objects.filter(title__contains="Malm").exists()


def test_304_keeps_entries_and_sends_validators(loopback, server):
    url = server.add("/feed", rss({"title": "One", "link": "https://e.org/1", "guid": "1", "body": "x"}), headers={"ETag": '"v1"'})
    source = make_source(url)
    fetch(source)
    assert source.etag == '"v1"'
    server.add("/feed", b"", 304)
    log = fetch(source)
    assert log.outcome == FetchLog.Outcome.UNCHANGED and log.status == 304
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert source.error_count == 0


def test_410_pauses_with_reason(loopback, server):
    source = make_source(server.add("/gone", b"", 410))
    fetch(source)
    assert source.paused and source.paused_reason == "gone"
    assert "410" in source.paused_reason_text


def test_429_honours_retry_after(loopback, server):
    from django.utils import timezone

    source = make_source(server.add("/busy", b"", 429, headers={"Retry-After": "7200"}))
    fetch(source)
    wait = (source.next_check_at - timezone.now()).total_seconds()
    assert 7000 < wait <= 7200
    assert source.last_status == 429 and not source.paused
    assert "slow down" in source.last_error


def test_permanent_redirect_updates_the_url(loopback, server):
    server.add("/new", rss({"title": "One", "link": "https://e.org/1", "guid": "1", "body": "x"}))
    source = make_source(server.add("/old", b"", 301, headers={"Location": "/new"}))
    fetch(source)
    assert source.url == server.url("/new")


def test_redirect_to_metadata_service_is_refused_and_explained(loopback, server):
    source = make_source(server.add("/r", b"", 302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    fetch(source)
    assert source.last_error_key == "address_link_local"
    assert "169.254.169.254" in source.last_error


def test_gzip_bomb_and_huge_body_are_errors(loopback, server, settings):
    settings.FETCH_MAX_MB = 1
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    source = make_source(server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"}))
    fetch(source)
    assert source.last_error_key == "too_large"


def test_repeated_failures_back_off_then_pause(loopback, server, settings):
    settings.FETCH_MAX_ERRORS = 3
    source = make_source(server.add("/err", b"", 500))
    waits = []
    for _ in range(3):
        fetch(source)
        waits.append(source.next_check_at - source.last_fetched_at)
    assert waits[0] < waits[1] < waits[2]
    assert source.paused and source.paused_reason == "too_many_errors"
    assert "3" in source.paused_reason_text


def test_entries_are_deduplicated_across_sources_and_discards_stay_dead(loopback, server, django_user_model):
    story = {"title": "Stockholm opens new tram line", "link": "https://news.example/tram?utm_source=rss", "guid": "a1",
             "body": "The city of Stockholm opened a new tram line today, connecting the suburbs to the centre of town."}
    a = make_source(server.add("/a", rss(story)))
    b = make_source(server.add("/b", rss({**story, "guid": "b-77", "link": "https://news.example/tram"})))
    assert fetch(a).entries_new == 1
    assert fetch(b).entries_new == 0  # same canonical link
    editor = django_user_model.objects.create(username="ed")
    actions.discard_entry(entry=Entry.objects.get(), user=editor)
    a.etag = ""
    assert fetch(a).entries_new == 0  # the discarded entry is a tombstone
    assert Entry.objects.count() == 1


def test_near_duplicates_are_clustered(loopback, server):
    text = ("Copenhagen has announced a plan to become carbon neutral by 2025 with district heating, wind power and "
            "a large expansion of cycling infrastructure across the whole city and its suburbs")
    a = make_source(server.add("/a", rss({"title": "Copenhagen climate plan", "link": "https://a.example/1", "guid": "1", "body": text})))
    b = make_source(server.add("/b", rss({"title": "Copenhagen climate plan", "link": "https://b.example/9", "guid": "9", "body": text.replace("whole", "entire")})))
    c = make_source(server.add("/c", rss({"title": "Something else entirely", "link": "https://c.example/2", "guid": "2",
                                          "body": "Oslo bans cars from its centre as a result of a decade of planning and debate among citizens."})))
    for s in (a, b, c):
        fetch(s)
    e1, e2, e3 = Entry.objects.order_by("id")
    assert e1.cluster_id and e1.cluster_id == e2.cluster_id
    assert e3.cluster_id is None
    assert e1.cluster.size == 2


def test_watched_page_respects_robots_and_detects_changes(loopback, server):
    page = "<html><head><title>News</title></head><body><nav>menu</nav><main><div class='news'>{}</div></main></body></html>"
    server.add("/robots.txt", b"User-agent: *\nDisallow: /private\n", content_type="text/plain")
    server.add("/page", page.format("First news about Stockholm").encode(), content_type="text/html")
    server.add("/private", page.format("Hidden").encode(), content_type="text/html")
    watched = make_source(server.url("/page"), kind="webpage", css_selector=".news")
    private = make_source(server.url("/private"), kind="webpage")
    assert fetch(watched).entries_new == 1
    assert fetch(watched).entries_new == 0  # unchanged
    server.add("/page", page.format("Second news about Göteborg").encode(), content_type="text/html")
    assert fetch(watched).entries_new == 1
    fetch(private)
    assert private.last_error_key == "robots_disallowed"
    assert Entry.objects.filter(source=watched).count() == 2


def test_full_text_is_extracted_for_teasers(loopback, server, settings, vocab):
    settings.FETCH_FULLTEXT_PER_FETCH = 5
    article = ("<html><head><title>Article</title></head><body><article><h1>Heat</h1>"
               + "".join(f"<p>Paragraph {i}: Göteborg expands district heating to more homes, the city said on Monday in a long statement.</p>" for i in range(12))
               + "</article></body></html>")
    server.add("/article", article.encode(), content_type="text/html")
    source = make_source(server.add("/feed", rss({"title": "Teaser", "link": server.url("/article"), "guid": "t", "body": "Short teaser."})))
    fetch(source)
    entry = Entry.objects.get()
    assert entry.full_text and "district heating" in entry.text
    assert entry.tags.filter(entity=vocab["gothenburg"]).exists()
    assert entry.tags.filter(theme=vocab["energy"]).exists()
