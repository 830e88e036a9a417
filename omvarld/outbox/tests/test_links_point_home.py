"""Absolute links point at the address the server listens on: run the real server on another
port, with no SITE_URL and no mail server, and follow links from a mail, a feed, the API and the
embed snippet."""

import html
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from omvarld.subscriptions.tests.conftest import free_port

SEED = """
import django; django.setup()
from omvarld.demo.loader import load_demo
from omvarld.subscriptions.tests.conftest import MINI
from django.contrib.auth import get_user_model
load_demo(MINI, with_users=False)
get_user_model().objects.create_user("eva", "eva@example.org", "a-long-test-password-1")
"""


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "EMAIL_HOST", "DATABASE_URL")}
    # The product's settings, with static files served from the source folders (no collectstatic).
    (tmp_path / "linktest_settings.py").write_text(
        "from omvarld.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        "WHITENOISE_USE_FINDERS = True\n"
    )
    env |= {"OMVARLD_DATA_DIR": str(tmp_path), "PORT": str(port), "DJANGO_SETTINGS_MODULE": "linktest_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    subprocess.run([sys.executable, "-m", "omvarld.cli", "migrate", "--no-input", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=300)
    # What `omvarld serve` starts, bound where PORT says.
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "omvarld.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the server did not start")
            time.sleep(0.3)
    yield base, tmp_path
    proc.terminate()
    proc.wait(timeout=30)


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", html.unescape(text))


def test_links_from_mail_feed_api_and_embed_lead_back_to_this_server(server):
    base, folder = server
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar := http.cookiejar.CookieJar()))

    def get(url):
        with opener.open(url, timeout=30) as response:
            assert response.status == 200, url
            return response.read().decode()

    # A mail: ask for a sign-in link; with no mail server it waits in the outbox.
    get(base + "/accounts/link/")
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"email": "eva@example.org", "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/link/", data=form, headers={"Referer": base + "/accounts/link/"})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
    with sqlite3.connect(folder / "omvarld.sqlite3") as db:
        status, text = db.execute("SELECT status, text FROM outbox_message").fetchone()
    assert status == "held"
    [mail_link] = [u for u in _links(text) if "/accounts/link/" in u]
    assert mail_link.startswith(base + "/")
    assert "Logga in" in get(mail_link)

    feed = get(base + "/news/feed.atom")
    feed_links = [u for u in _links(feed) if u.startswith("http://127.0.0.1")]
    assert feed_links and all(u.startswith(base + "/") for u in feed_links)
    get(feed_links[0])

    api = json.loads(get(base + "/api/v1/items"))
    html_url = api["data"][0]["html_url"]
    assert html_url.startswith(base + "/")
    get(html_url)

    embed = get(base + "/news/embed/")
    widget = [u for u in _links(embed) if "/news/widget/" in u]
    assert widget and all(u.startswith(base + "/") for u in widget)
    get(widget[0])

    for page in (text, feed, json.dumps(api), embed):
        assert "127.0.0.1:8000" not in page
