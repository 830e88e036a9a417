"""The worker's periodic job plans due digests and queues them, so `make run` sends mail by itself."""

import threading

from omvarld import schedules
from omvarld.subscriptions.models import Delivery
from omvarld.subscriptions.tests.factories import age_items, follower


def test_periodic_job_plans_and_sends_due_digests(mini_map, smtp):
    age_items(hours=3)
    follower("periodic@example.org", ("everything", None, "daily"))
    schedules.plan_and_queue_digests()  # tasks run at once in tests
    schedules.send_due_mail()  # the outbox's sweep (its wake-up waits for a commit that tests never make)
    [msg] = smtp.wait_for(1)
    assert "periodic@example.org" in str(msg["To"])
    assert Delivery.objects.get().status == "sent"
    schedules.plan_and_queue_digests()
    schedules.send_due_mail()
    assert len(smtp.messages) == 1


def test_periodic_loop_survives_a_failing_job(monkeypatch, db):
    calls = []

    def boom():
        calls.append(1)
        if len(calls) >= 2:
            stop.set()
        raise RuntimeError("mail server on fire")

    stop = threading.Event()
    monkeypatch.setattr(schedules, "plan_and_queue_digests", boom)
    schedules.run_periodic(stop, interval=0.01)
    assert len(calls) == 2
