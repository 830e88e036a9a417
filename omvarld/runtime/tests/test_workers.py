"""#18 (7): the worker is supervised, its liveness is shown, and a dead worker's claims are freed."""

import datetime as dt
import logging
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from omvarld.monitoring.models import Source
from omvarld.monitoring.scheduler import claim_source, release_claims
from omvarld.runtime import heartbeat
from omvarld.runtime.models import Heartbeat
from omvarld.runtime.supervise import Supervised


class FakeChild:
    pids = iter(range(1000, 2000))

    def __init__(self, argv):
        self.pid, self.code = next(self.pids), None

    def poll(self):
        return self.code


class Clock:
    t = 0.0

    def __call__(self):
        return self.t


def test_a_dead_child_is_restarted_with_a_growing_pause_and_logged(caplog):
    clock, children = Clock(), []

    def spawn(argv):
        children.append(FakeChild(argv))
        return children[-1]

    sup = Supervised("worker", ["x"], min_delay=1, max_delay=8, stable_after=60, clock=clock, spawn=spawn)
    sup.start()
    delays = []
    with caplog.at_level(logging.WARNING, logger="omvarld.supervise"):
        for _ in range(5):
            children[-1].code = -9  # killed
            clock.t += 0.1
            sup.check()
            delays.append(sup.delay)
            before = len(children)
            clock.t += sup.delay - 0.05
            sup.check()
            assert len(children) == before  # not yet: the pause is not over
            clock.t += 0.1
            sup.check()
            assert len(children) == before + 1 == sup.restarts + 1  # restarted
    assert delays == [1, 2, 4, 8, 8]
    assert "exited with code -9" in caplog.text and "restarted" in caplog.text
    # after a long stable run, the pause starts small again
    clock.t += 61
    sup.check()
    children[-1].code = 1
    sup.check()
    assert sup.delay == 1


def test_a_real_worker_killed_with_sigkill_comes_back():
    sup = Supervised("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], min_delay=0)
    sup.start()
    try:
        first = sup.process.pid
        os.kill(first, signal.SIGKILL)
        sup.process.wait()
        sup.check()
        assert sup.process.pid != first and sup.process.poll() is None and sup.restarts == 1
    finally:
        sup.stop()


def test_worker_and_serve_commands_live_outside_core():
    commands = get_commands()
    assert commands["worker"] == "omvarld.runtime" and commands["serve"] == "omvarld.runtime"
    out = subprocess.run(["git", "grep", "-l", "from omvarld\\.\\(runtime\\|monitoring\\|newsdesk\\)", "--", "omvarld/core"],
                         capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    assert [f for f in out.stdout.split() if "/tests/" not in f] == []


@pytest.mark.django_db
def test_a_stale_heartbeat_releases_source_claims_and_running_tasks():
    now = timezone.now()
    source = Source.objects.create(kind="feed", url="https://e.org/feed", host="e.org", next_check_at=now)
    assert claim_source(source.pk, "dead:1:aa", now=now)
    assert not claim_source(source.pk, "live:2:bb", now=now)  # held for CLAIM_SECONDS
    Heartbeat.objects.create(worker_id="dead:1:aa", pid=1, host="dead", started_at=now, seen_at=now - dt.timedelta(minutes=5))
    Heartbeat.objects.create(worker_id="live:2:bb", pid=2, host="live", started_at=now, seen_at=now)
    from omvarld.monitoring.tasks import train_models_task

    result = train_models_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=["dead:1:aa"], started_at=now)
    assert heartbeat.reap_stale(releasers=[release_claims]) == ["dead:1:aa"]
    assert claim_source(source.pk, "live:2:bb", now=now)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    assert list(Heartbeat.objects.values_list("worker_id", flat=True)) == ["live:2:bb"]
    assert heartbeat.reap_stale(releasers=[release_claims]) == []  # a live worker keeps its claims
    assert Source.objects.get().claimed_by == "live:2:bb"


@pytest.mark.django_db
def test_health_endpoint(client, settings):
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "worker": "stale", "queue": "ok"}
    heartbeat.beat("host:1:abc")
    body = client.get("/health/").json()
    assert body["status"] == "ok" and body["workers"] == 1 and body["checks"]["worker"] == "ok"
    from omvarld.monitoring.tasks import train_models_task

    result = train_models_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["queue"] == "slow"
    assert response.json()["queue_age_seconds"] >= 3600
    assert client.post("/health/").status_code == 405
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_source_pages_show_worker_liveness(client, django_user_model):
    from omvarld.accounts.roles import assign_role

    user = django_user_model.objects.create_user("ed")
    assign_role(user, "editor")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get("/monitoring/sources/").content.decode()
    assert "No worker is running" in html
    heartbeat.beat("host:1:abc")
    html = client.get("/monitoring/sources/").content.decode()
    assert "1 worker is running" in html and "No worker is running" not in html
