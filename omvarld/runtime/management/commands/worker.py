import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

log = logging.getLogger("omvarld.worker")


class Command(BaseCommand):
    help = ("Run a background worker: the scheduler that fetches due sources, beside the runner of "
            "queued tasks (fetch now, digests, tips, new sources) from the database queue. It writes a "
            "heartbeat; a worker whose heartbeat goes stale is taken for dead and what it held is released.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Fetch the sources due now and run the queued tasks, then exit")
        parser.add_argument("--no-scheduler", action="store_true", help="Only run queued tasks; do not fetch sources")

    def handle(self, *args, **opts):
        from omvarld.monitoring.scheduler import Scheduler
        from omvarld.runtime import heartbeat

        wid = heartbeat.worker_id()
        scheduler = None
        if not opts["no_scheduler"]:
            scheduler = Scheduler(
                worker_id=wid, concurrency=settings.FETCH_CONCURRENCY, per_host=settings.FETCH_PER_HOST,
                host_delay=settings.FETCH_HOST_DELAY_MS / 1000, progress=self._progress if opts["verbosity"] >= 1 else None,
            )
        from omvarld import schedules

        if opts["once"]:
            if scheduler:
                scheduler.run(once=True)
            schedules.plan_and_queue_digests()
            schedules.run_feed_and_trends()
            call_command("db_worker", "--queue-name", "*", "--batch", "--worker-id", wid)
            return
        # The scheduler runs in a thread; db_worker keeps the main thread, where it handles
        # SIGTERM and SIGINT. When it returns, the scheduler is stopped and drained.
        heartbeat.beat(wid)
        beat_stop = threading.Event()
        beating = threading.Thread(target=self._beat, args=(wid, beat_stop), name="heartbeat", daemon=True)
        beating.start()
        thread = None
        if scheduler:
            thread = threading.Thread(target=scheduler.run, name="scheduler", daemon=True)
            thread.start()
        periodic_stop = threading.Event()
        periodic = threading.Thread(target=schedules.run_periodic, args=(periodic_stop,), name="periodic", daemon=True)
        periodic.start()
        try:
            # django-tasks-db's worker claims each task with a row lock, so several workers on
            # several machines sharing one PostgreSQL never run the same task twice.
            call_command("db_worker", "--queue-name", "*", "--worker-id", wid)
        finally:
            periodic_stop.set()
            beat_stop.set()
            if scheduler:
                scheduler.stop.set()
                thread.join(timeout=60)
            heartbeat.stop(wid)

    def _beat(self, wid, stop):
        """Say this worker is alive, and release what dead workers held."""
        from omvarld.monitoring.scheduler import release_claims
        from omvarld.runtime import heartbeat

        while not stop.wait(settings.HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                heartbeat.beat(wid)
                heartbeat.reap_stale(releasers=[release_claims])
            except Exception:  # noqa: BLE001  a database hiccup must not stop the heartbeat for good
                log.exception("heartbeat failed")
            finally:
                connection.close()

    def _progress(self, source, log):
        state = log.error if log.error_key else f"{log.entries_new} new of {log.entries_seen}"
        self.stdout.write(f"fetched {source}: HTTP {log.status or '–'}, {state}, {log.duration_ms} ms")
