"""The scheduler: conditional-UPDATE claims, per-host limits, a worker that keeps running."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from omvarld.monitoring.models import Entry, FetchLog, Source
from omvarld.monitoring.scheduler import Scheduler, claim_source
from omvarld.monitoring.tests.test_sources import make_source, rss

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_worker_wins_a_claim():
    source = make_source("https://example.org/feed")
    assert claim_source(source.pk, "worker-a")
    assert not claim_source(source.pk, "worker-b")
    source.refresh_from_db()
    assert source.claimed_by == "worker-a"
    # An expired claim (a crashed worker) can be taken over.
    Source.objects.filter(pk=source.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert claim_source(source.pk, "worker-b")


def test_paused_and_not_due_sources_are_not_claimed():
    paused = make_source("https://example.org/a", paused=True)
    later = make_source("https://example.org/b", next_check_at=timezone.now() + dt.timedelta(hours=1))
    assert not claim_source(paused.pk, "w") and not claim_source(later.pk, "w")
    assert claim_source(later.pk, "w", due_only=False)


def test_one_step_fetches_due_sources_and_survives_failures(loopback, server):
    good = make_source(server.add("/good", rss({"title": "Hello Stockholm", "link": "https://e.org/1", "guid": "1", "body": "x"})))
    make_source(server.add("/bad", b"not a feed at all \x00\x01", content_type="application/octet-stream"))
    make_source(server.add("/gone", b"", 410))
    make_source(server.url("/missing"))
    scheduler = Scheduler(worker_id="test", concurrency=4, per_host=4, host_delay=0)
    scheduler.run(once=True)
    assert FetchLog.objects.count() == 4
    assert Entry.objects.filter(source=good).count() == 1
    assert set(FetchLog.objects.exclude(error_key="").values_list("error_key", flat=True)) == {"parse_not_feed", "gone", "not_found"} or \
        FetchLog.objects.filter(outcome="error").count() == 3
    assert not Source.objects.exclude(claimed_by="").exists()
    # Nothing is due any more: another step finds no work.
    assert scheduler.fetch_step() is False


def test_per_host_limit_counts_other_workers_claims(loopback, server):
    a = make_source(server.add("/a", rss({"title": "A", "link": "https://e.org/a", "guid": "a", "body": "x"})))
    b = make_source(server.add("/b", rss({"title": "B", "link": "https://e.org/b", "guid": "b", "body": "x"})))
    assert claim_source(a.pk, "other-worker")
    scheduler = Scheduler(worker_id="me", concurrency=4, per_host=1, host_delay=0)
    scheduler.fetch_step()
    scheduler.pool.shutdown(wait=True)
    b.refresh_from_db()
    assert FetchLog.objects.count() == 0 and b.last_fetched_at is None


def test_worker_once_fetches_and_exits(loopback, server, settings):
    settings.FETCH_HOST_DELAY_MS = 0
    make_source(server.add("/feed", rss({"title": "One", "link": "https://e.org/1", "guid": "1", "body": "x"})))
    call_command("worker", "--once", verbosity=0)
    assert Entry.objects.count() == 1
