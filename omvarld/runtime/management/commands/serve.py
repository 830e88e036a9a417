import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn (static files included), optionally with a background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="Address to listen on (env HOST)")
        parser.add_argument("--port", type=int, default=settings.PORT, help="Port to listen on (env PORT)")
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS, help="gunicorn worker processes")
        parser.add_argument("--with-worker", action="store_true", help="Also run one background task worker")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply database migrations first")

    def handle(self, *args, **opts):
        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        children = []
        if opts["with_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "omvarld.cli", "worker"]))
        bind = f"{opts['host']}:{opts['port']}"
        self.stdout.write(f"Omvärld on http://{bind}/")
        cmd = [
            sys.executable, "-m", "gunicorn", "omvarld.wsgi:application",
            "--bind", bind, "--workers", str(opts["workers"]), "--access-logfile", "-", "--timeout", "60",
        ]
        web = subprocess.Popen(cmd)
        children.append(web)

        def stop(signum, frame):
            for child in children:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            web.wait()
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
                    child.wait(timeout=10)
