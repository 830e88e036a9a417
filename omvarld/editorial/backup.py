"""Consistent copies of a running site, and putting one back (MISSION X5).

SQLite: the online backup API copies the database page by page while the site keeps running;
the copy is one consistent snapshot even while writes go on. PostgreSQL: pg_dump takes a
snapshot in one transaction; pg_restore puts it back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _sqlite_path() -> str:
    return str(connection.settings_dict["NAME"])


def _pg_env_and_db() -> tuple[dict, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    return env, s["NAME"]


def backup(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    if _engine() == "sqlite":
        target = directory / f"omvarld-{stamp}.sqlite3"
        src, dst = sqlite3.connect(_sqlite_path()), sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
            dst.close()
        return target
    if _engine() == "postgresql":
        target = directory / f"omvarld-{stamp}.pgdump"
        env, db = _pg_env_and_db()
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", db], env)
        return target
    raise BackupError(f"backups are not supported on {connection.vendor}")


def restore(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if _engine() == "sqlite":
        _check_sqlite_backup(path)
        connection.close()
        src, dst = sqlite3.connect(path), sqlite3.connect(_sqlite_path(), timeout=30)
        try:
            # The backup API replaces the live database's pages in one step under its lock.
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return
    if _engine() == "postgresql":
        if path.read_bytes()[:5] != b"PGDMP":
            raise BackupError(f"{path} is not a pg_dump archive made by `omvarld backup`")
        env, db = _pg_env_and_db()
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={db}", str(path)], env)
        return
    raise BackupError(f"restoring is not supported on {connection.vendor}")


def _check_sqlite_backup(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} is not an SQLite database: {e}") from None
    if not ok or "core_item" not in tables:
        raise BackupError(f"{path} is not a sound Omvärld backup")


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
