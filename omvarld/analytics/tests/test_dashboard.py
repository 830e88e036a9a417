"""The editors' dashboard: figures per period compared with the period before, CSV files."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from omvarld.analytics.actions import record_event, rollup
from omvarld.analytics.models import DailyCount, DailyTotal, Kind
from omvarld.analytics.tests.conftest import BROWSER
from omvarld.core.models import Entity, Item, Theme
from omvarld.monitoring.models import Entry, Source


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def counted(client, mini_map):
    item = Item.objects.filter(status="published").first()
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        client.get("/entities/amsterdam/", **{**BROWSER, "REMOTE_ADDR": ip})
    client.get(f"/items/{item.pk}/", **BROWSER)
    client.get("/search/?q=fjärrvärme", **BROWSER)
    client.get("/search/?q=xylofonfabriker+i+tundran", **BROWSER)
    client.get("/search/?q=xylofonfabriker+i+tundran", **{**BROWSER, "REMOTE_ADDR": "198.51.100.9"})
    client.get(f"/analytics/out/?to={item.url}&item={item.pk}", **BROWSER)
    record_event("follow", Entity.objects.get(slug="amsterdam"))
    record_event("unfollow", Theme.objects.get(slug="energy"))
    rollup()
    return item


def test_visitors_are_sent_to_sign_in_and_members_refused(client, member):
    assert client.get("/analytics/").status_code == 302
    client.force_login(member)
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/csv/summary.csv").status_code == 403


def test_editors_see_every_measure(client, editor, counted):
    client.force_login(editor)
    response = client.get("/analytics/?period=7d")
    assert response.status_code == 200
    tables = {s["table"].slug: s["table"] for s in response.context["sections"]}
    summary = {row[0]: row[1] for row in tables["summary"].rows}
    assert summary["Page views"] == 7
    assert summary["Unique visitors (estimated, summed per day)"] == 5
    assert summary[str(Kind.VIEW_ENTITY.label)] == 3
    assert summary[str(Kind.OUT.label)] == 1
    assert summary[str(Kind.SEARCH_EMPTY.label)] == 2
    assert summary[str(Kind.FOLLOW.label)] == 1
    assert tables["top-entities"].rows == [["Amsterdam", 3, 0]]
    assert tables["top-items"].rows == [[counted.title, 1, 0]]
    assert tables["out-sites"].rows == [[counted.url.split("/")[2], 1, 0]]
    assert tables["empty-searches"].rows == [["xylofonfabriker i tundran", 2, 0]]
    assert tables["empty-searches"].run_links == ["/search/?q=xylofonfabriker+i+tundran"]
    assert [r[:3] for r in tables["follows"].rows] == [["Amsterdam", 1, 0], ["Energy", 0, 1]]
    html = response.content.decode()
    assert 'href="/search/?q=xylofonfabriker+i+tundran"' in html
    assert 'id="over-time-data" type="application/json"' in html
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html
    assert html.count('data-chart="') >= 8
    assert 'href="/analytics/csv/empty-searches.csv?period=7d"' in html


def test_the_period_before_is_compared(client, editor, mini_map):
    today = timezone.localdate()
    for days_ago, n in ((1, 5), (8, 2)):
        DailyTotal.objects.create(day=today - dt.timedelta(days=days_ago), kind=Kind.VISITS, count=n, visitors=n)
    client.force_login(editor)
    summary = client.get("/analytics/?period=7d").context["sections"][0]["table"]
    assert summary.rows[0] == ["Page views", 5, 2, "+150 %"]


@pytest.mark.parametrize(
    ("query", "days", "monthly"),
    [("", 30, False), ("?period=7d", 7, False), ("?period=30d", 30, False), ("?period=12m", None, True),
     ("?period=range&start=2026-01-01&end=2026-01-31", 31, False)],
)
def test_periods(client, editor, mini_map, query, days, monthly):
    client.force_login(editor)
    response = client.get(f"/analytics/{query}")
    assert response.status_code == 200
    period = response.context["period"]
    if days is None:  # this month and the eleven whole months before it
        today = timezone.localdate()
        assert period.start.day == 1 and period.end == today and period.start.year * 12 + period.start.month == today.year * 12 + today.month - 11
        days = period.days
    assert period.days == days and period.monthly == monthly
    over_time = response.context["sections"][1]["table"]
    assert len(over_time.rows) == (len({(period.start + dt.timedelta(d)).strftime("%Y-%m") for d in range(days)}) if monthly else days)


@pytest.mark.parametrize(
    ("query", "message"),
    [("?period=range&start=2026-02-01&end=2026-01-01", "The start date must not be after the end date."),
     ("?period=range&start=2026-02-01", "Give both a start and an end date."),
     ("?period=range&start=2000-01-01&end=2026-01-01", "A period can be at most five years long."),
     ("?period=forever", "Select a valid choice.")],
)
def test_a_bad_period_is_explained(client, editor, mini_map, query, message):
    client.force_login(editor)
    response = client.get(f"/analytics/{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(f"/analytics/csv/summary.csv{query}").status_code == 400


def test_every_table_downloads_as_csv(client, editor, counted):
    client.force_login(editor)
    from omvarld.analytics.queries import TABLES

    for slug in TABLES:
        response = client.get(f"/analytics/csv/{slug}.csv?period=30d")
        assert response.status_code == 200, slug
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{slug}-' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows[0]) >= 3
    rows = list(csv.reader(io.StringIO(client.get("/analytics/csv/top-entities.csv").content.decode("utf-8-sig"))))
    assert rows == [["Entity", "Count", "Period before"], ["Amsterdam", "3", "0"]]
    assert client.get("/analytics/csv/no-such-table.csv").status_code == 400


def test_csv_cells_cannot_run_as_formulas(client, editor, mini_map):
    today = timezone.localdate()
    for q in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "plain"):
        DailyCount.objects.create(day=today, kind=Kind.SEARCH, detail=q, count=1)
    client.force_login(editor)
    text = client.get("/analytics/csv/top-searches.csv?period=7d").content.decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert sorted(cells) == sorted(["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "plain"])


def test_sources_and_pick_rate(client, editor, mini_map):
    now = timezone.now()
    busy = Source.objects.create(kind="feed", url="https://busy.example/feed", title="Busy feed")
    quiet = Source.objects.create(kind="feed", url="https://quiet.example/feed", title="Quiet feed")
    statuses = ["picked", "picked", "discarded", "discarded", "new", "new"]
    for i, status in enumerate(statuses):
        Entry.objects.create(source=busy, guid=f"b{i}", title=f"B{i}", content_hash=f"b{i}", status=status,
                             decided_at=now if status != "new" else None)
    Entry.objects.create(source=quiet, guid="q", title="Q", content_hash="q", status="discarded", decided_at=now)
    rollup()
    client.force_login(editor)
    sections = {s["table"].slug: s["table"] for s in client.get("/analytics/?period=7d").context["sections"]}
    assert sections["sources"].rows == [["Busy feed", 6, 2, 2, 50], ["Quiet feed", 1, 0, 1, 0]]


def test_subscriptions_are_counted_from_the_subscriptions_app(mini_map):
    from omvarld.subscriptions.models import Subscriber, Subscription

    sub = Subscriber.objects.create(email="reader@example.org")
    amsterdam = Entity.objects.get(slug="amsterdam")
    pending = Subscription.objects.create(subscriber=sub, kind="entity", entity=amsterdam, target_key=f"entity:{amsterdam.pk}")
    everything = Subscription.objects.create(subscriber=sub, kind="everything", target_key="everything")
    for s in (pending, everything):
        s.confirmed_at = timezone.now()
        s.save(update_fields=["confirmed_at"])
    pending.delete()
    rollup()
    got = sorted(DailyCount.objects.filter(kind__in=[Kind.SUBSCRIBE, Kind.UNSUBSCRIBE]).values_list("kind", "target", "count"))
    assert got == sorted([(Kind.SUBSCRIBE, f"entity:{amsterdam.pk}", 1), (Kind.SUBSCRIBE, "everything", 1),
                          (Kind.UNSUBSCRIBE, f"entity:{amsterdam.pk}", 1)])


def test_record_event_refuses_unknown_kinds_and_objects(mini_map):
    with pytest.raises(ValueError):
        record_event("like", Entity.objects.first())
    with pytest.raises(ValueError):
        record_event("follow", object())


def test_the_menu_shows_analytics_to_editors_only(client, editor, member, mini_map):
    assert b'href="/analytics/"' not in client.get("/").content
    client.force_login(member)
    assert b'href="/analytics/"' not in client.get("/").content
    client.force_login(editor)
    assert b'href="/analytics/"' in client.get("/").content


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-01-01", "2025-12-31"), ("2025-01-15", "2025-03-10"), ("2025-02-01", "2025-02-28"), ("2025-02-03", "2025-02-20"),
     ("2024-12-20", "2025-04-30"), ("2025-03-01", "2025-03-31")],
)
def test_long_periods_read_month_sums_that_match_the_days(db, start, end):
    from omvarld.analytics.actions import rebuild_months
    from omvarld.analytics.queries import Period, _sums

    first = dt.date(2024, 12, 1)
    for d in range(200):
        day = first + dt.timedelta(days=d)
        for key in ("item:1", "item:2", "item:3"):
            DailyCount.objects.create(day=day, kind=Kind.VIEW_ITEM, target=key, count=(d % 7) + int(key[-1]))
    assert rebuild_months() == 7
    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    expected = {}
    for row in DailyCount.objects.filter(day__range=(period.start, period.end)):
        expected[row.target] = expected.get(row.target, 0) + row.count
    assert dict(_sums(Kind.VIEW_ITEM, period, "target")) == expected
    assert _sums(Kind.VIEW_ITEM, period, "target", limit=1)[0][0] == "item:3"
