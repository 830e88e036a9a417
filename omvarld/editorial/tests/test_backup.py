"""A backup taken while writes go on restores to a consistent site (SQLite online backup, or
pg_dump/pg_restore on PostgreSQL), driven through the real `omvarld` commands."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

WRITER = """
import django, os, sys, time
django.setup()
from django.db import transaction
from omvarld.core.models import Entity, Item, MainCategory, Placement
cat, _ = MainCategory.objects.get_or_create(slug="cities", defaults={"name_sv": "Städer", "name_en": "Cities"})
ent, _ = Entity.objects.get_or_create(slug="oslo", defaults={"main_category": cat, "name_sv": "Oslo", "name_en": "Oslo"})
print("ready", flush=True)
stop = sys.argv[1]
n = 0
while not os.path.exists(stop) or n < 10:
    # An item and its placement are written together: a consistent copy has both or neither.
    with transaction.atomic():
        item = Item.objects.create(title=f"Item {n}", status="published")
        Placement.objects.create(item=item, entity=ent)
    n += 1
print(n, flush=True)
"""

CHECK = """
import django
django.setup()
from django.db.models import Count
from omvarld.core.models import Item
items = Item.objects.annotate(n=Count("placements"))
print(items.count(), items.exclude(n=1).count())
"""


def _env(tmp_path, database_url):
    env = dict(os.environ, OMVARLD_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="omvarld.settings", DATABASE_URL=database_url)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _omvarld(env, *args):
    return subprocess.run([sys.executable, "-m", "omvarld.cli", *args], env=env, capture_output=True, text=True, check=True).stdout.strip()


def _python(env, code, *args):
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True).stdout.split()


@pytest.fixture
def site_database(tmp_path):
    """A database of its own for a site run by separate processes, like production."""
    if connection.vendor == "sqlite":
        yield ""
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_backup_test"
    admin = psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None, dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.django_db
def test_backup_during_writes_restores_to_a_consistent_site(tmp_path, site_database):
    env = _env(tmp_path, site_database)
    _omvarld(env, "migrate", "--no-input")
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(1)
    backup_file = _omvarld(env, "backup", str(tmp_path / "backups"))
    time.sleep(0.5)  # writes go on after the copy was taken
    stop.touch()
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    written = int(out.split()[-1])
    total, inconsistent = map(int, _python(env, CHECK))
    assert total == written and inconsistent == 0

    _omvarld(env, "restore", backup_file, "--no-input")
    restored, inconsistent = map(int, _python(env, CHECK))
    assert 0 < restored < written, "the copy is a snapshot taken part-way through the writes"
    assert inconsistent == 0, "every item in the copy has its placement"
    # The restored site takes new writes.
    _omvarld(env, "shell", "-c", "from omvarld.core.models import Item; Item.objects.create(title='After restore')")
    assert int(_python(env, CHECK)[0]) == restored + 1


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    env = _env(tmp_path, "")
    _omvarld(env, "migrate", "--no-input")
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("hello")
    result = subprocess.run([sys.executable, "-m", "omvarld.cli", "restore", str(bogus), "--no-input"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "not an SQLite database" in result.stderr
