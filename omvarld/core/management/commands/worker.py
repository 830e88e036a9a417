import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Run a background worker: the scheduler that fetches due sources, beside the runner of "
            "queued tasks (fetch now, digests) from the database queue.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Fetch the sources due now and run the queued tasks, then exit")
        parser.add_argument("--no-scheduler", action="store_true", help="Only run queued tasks; do not fetch sources")

    def handle(self, *args, **opts):
        from omvarld.monitoring.scheduler import Scheduler

        scheduler = None
        if not opts["no_scheduler"]:
            scheduler = Scheduler(
                concurrency=settings.FETCH_CONCURRENCY, per_host=settings.FETCH_PER_HOST,
                host_delay=settings.FETCH_HOST_DELAY_MS / 1000, progress=self._progress if opts["verbosity"] >= 1 else None,
            )
        from omvarld import schedules

        if opts["once"]:
            if scheduler:
                scheduler.run(once=True)
            schedules.plan_and_queue_digests()
            schedules.run_feed_and_trends()
            call_command("db_worker", "--queue-name", "*", "--batch")
            return
        # The scheduler runs in a thread; db_worker keeps the main thread, where it handles
        # SIGTERM and SIGINT. When it returns, the scheduler is stopped and drained.
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
            call_command("db_worker", "--queue-name", "*")
        finally:
            periodic_stop.set()
            if scheduler:
                scheduler.stop.set()
                thread.join(timeout=60)

    def _progress(self, source, log):
        state = log.error if log.error_key else f"{log.entries_new} new of {log.entries_seen}"
        self.stdout.write(f"fetched {source}: HTTP {log.status or '–'}, {state}, {log.duration_ms} ms")
