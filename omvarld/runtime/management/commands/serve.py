import logging
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from omvarld.runtime.supervise import Supervised


class Command(BaseCommand):
    help = ("Serve the site with granian (static files included), optionally with a supervised background "
            "worker beside it. Slow clients cannot hold the site: connections are read by granian's own "
            "event loop, and one that does not send its headers in time is closed. In production put a "
            "reverse proxy in front (see the README).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="Address to listen on (env HOST)")
        parser.add_argument("--port", type=int, default=settings.PORT, help="Port to listen on (env PORT)")
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS, help="Web server worker processes")
        parser.add_argument("--with-worker", action="store_true", help="Also run one background task worker, restarted when it dies")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply database migrations first")

    def handle(self, *args, **opts):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)  # only when OMVARLD_CACHE_URL=db
        call_command("collectstatic", interactive=False, verbosity=0)
        # The web processes and the worker read their settings again: with no SITE_URL, their
        # absolute links must name the port chosen here, not the PORT default.
        os.environ["PORT"] = str(opts["port"])
        bind = f"{opts['host']}:{opts['port']}"
        self.stdout.write(f"Omvärld on http://{bind}/")
        self.stdout.flush()
        web = subprocess.Popen(web_command(opts["host"], opts["port"], opts["workers"]))
        worker = None
        if opts["with_worker"]:
            worker = Supervised("worker", [sys.executable, "-m", "omvarld.cli", "worker"])
            worker.start()
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and web.poll() is None:
                if worker:
                    worker.check()
                time.sleep(0.5)
        finally:
            if worker:
                worker.stop()
            if web.poll() is None:
                web.terminate()
                try:
                    web.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    web.kill()


def web_command(host: str, port: int, workers: int) -> list[str]:
    """granian serving the WSGI application: Rust I/O threads read requests, so a slow client costs
    a connection and no Python thread; its headers must arrive within WEB_HEADER_TIMEOUT."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "omvarld.wsgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(settings.WEB_THREADS),
        "--http1-header-read-timeout", str(settings.WEB_HEADER_TIMEOUT * 1000),
        "--backlog", "2048", "--respawn-failed-workers", "--access-log", "--no-ws",
    ]
