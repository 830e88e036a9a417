"""Exactly-once as readers see it: kill the sending process mid-run, run again, count the mail.

The sender runs as a real separate process against its own database. The SMTP server holds one
message unanswered; the sender is killed with SIGKILL while it waits, so that message was never
accepted. The rerun must deliver it and every other unsent one, and nobody gets two mails.
"""

import collections
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

N = 40
KILL_AFTER = 15


def _database_url(tmp_path) -> tuple[str, callable]:
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'crash.sqlite3'}", lambda: None
    import psycopg

    params = connection.settings_dict
    name = f"omvarld_crash_{uuid.uuid4().hex[:8]}"
    admin = f"postgresql://{params['USER']}:{params.get('PASSWORD') or ''}@{params['HOST']}:{params['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


def _run(env, *args, check=True):
    return subprocess.run([sys.executable, "-m", "omvarld.cli", *args], env=env, capture_output=True, text=True, timeout=120, check=check)


@pytest.mark.parametrize("mode", ["command", "worker"])
def test_killed_sender_resumes_without_duplicates_or_gaps(smtp_server, tmp_path, mode, db):
    url, drop = _database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMVARLD_DATA_DIR": str(tmp_path),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": "http://testserver",
        "SUBSCRIPTIONS_SEND_LEASE": "1",
        "OMVARLD_MAIL_LEASE": "1",
        "SUBSCRIPTIONS_BATCH_SIZE": "10",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    try:
        _run(env, "migrate", "--no-input")
        subprocess.run([sys.executable, "-m", "omvarld.subscriptions.tests.crashseed", str(N)], env={**env, "DJANGO_SETTINGS_MODULE": "omvarld.settings"}, check=True, timeout=120)

        smtp_server.pause_at = KILL_AFTER
        if mode == "command":
            sender = subprocess.Popen([sys.executable, "-m", "omvarld.cli", "send-digests", "--rhythm", "daily"], env=env)
        else:
            _run(env, "send-digests", "--rhythm", "daily", "--enqueue")
            sender = subprocess.Popen([sys.executable, "-m", "omvarld.cli", "worker", "--once"], env=env)
        assert smtp_server.paused.wait(90), "the sender never reached the paused message"
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(timeout=30)
        smtp_server.pause_at = None
        smtp_server.release.set()
        assert len(smtp_server.messages) == KILL_AFTER

        time.sleep(1.2)  # the killed worker's lease on its in-flight mail runs out
        out = _run(env, "send-digests", "--rhythm", "daily").stdout
        assert "0 digests planned" in out  # the period was planned once, before the crash

        received = collections.Counter(str(m["To"]) for m in smtp_server.wait_for(N))
        assert len(received) == N, f"missing: {N - len(received)}"
        assert set(received.values()) == {1}, f"duplicates: {[a for a, n in received.items() if n > 1]}"

        # A third run finds nothing left to do.
        assert "sent 0," in _run(env, "send-digests").stdout
        assert len(smtp_server.messages) == N
    finally:
        drop()
