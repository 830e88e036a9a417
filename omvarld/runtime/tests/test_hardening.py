"""#18 (10): production settings refuse unsafe values, every page has a Content-Security-Policy
without inline script, anonymous readers get no cookie where no form needs one, and form errors
answer 400."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import assign_role
from omvarld.demo.loader import load_demo

ROOT = Path(__file__).resolve().parents[3]
MINI = ROOT / "omvarld" / "demo" / "tests" / "mini.yaml"
SAFE = {
    "OMVARLD_PRODUCTION": "true", "ALLOWED_HOSTS": "omvarld.example.org",
    "SITE_URL": "https://omvarld.example.org", "SESSION_COOKIE_SECURE": "true", "DEBUG": "false",
    "SECRET_KEY": "7hQ2-vKp9xLw3mZr8tYc1nBf6jDs4gHa0eUi5oRq2WzXy7Vb_Nc8Mx5Tt2Lp0Kd4Qw",
    "OMVARLD_FETCH_ALLOW_LOOPBACK": "false",
}


def _run(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMVARLD_", "DJANGO_"))}
    env.update({"OMVARLD_DATA_DIR": os.environ.get("OMVARLD_DATA_DIR", str(ROOT / "var")), **env_overrides})
    return subprocess.run([sys.executable, "-m", "omvarld.cli", *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("override,words", [
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"SITE_URL": "http://omvarld.example.org"}, "https://"),
    ({"OMVARLD_FETCH_ALLOW_LOOPBACK": "true"}, "loopback"),
    ({"SESSION_COOKIE_SECURE": "false"}, "SESSION_COOKIE_SECURE"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY"),  # long but with too few different characters
])
def test_production_refuses_unsafe_settings(override, words):
    result = _run({**SAFE, **override}, "check")
    assert result.returncode != 0 and words in result.stderr


def test_check_deploy_with_production_settings_finds_nothing():
    result = _run(SAFE, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


class _Scripts(HTMLParser):
    """Finds inline script, on* handlers and style attributes in a page."""

    def __init__(self):
        super().__init__()
        self.problems, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in a:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=>")
            if name == "style":
                self.problems.append(f"<{tag} style=>")
        if tag == "script":
            executable = a.get("type", "text/javascript") in ("", "text/javascript", "module", "application/javascript")
            self._in_script = executable and not a.get("src")
        if tag in ("a", "form", "iframe") and any((v or "").strip().lower().startswith("javascript:") for k, v in a.items() if k in ("href", "action", "src")):
            self.problems.append(f"<{tag} javascript:>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("inline <script>: " + data.strip()[:60])


def inline_script_problems(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.problems


def test_the_parser_catches_inline_script():
    assert inline_script_problems('<script>alert(1)</script><a onclick="x()">a</a><p style="color:red">')
    assert inline_script_problems('<script type="application/json">{"a": 1}</script><script src="/s.js"></script>') == []


PUBLIC = ["/", "/categories/cities/", "/entities/amsterdam/", "/search/?q=energi", "/whats-new/", "/themes/energy/",
          "/news/", "/accounts/login/", "/no-such-page/"]
EDITOR = ["/editorial/", "/editorial/items/new/", "/news/inbox/", "/news/tips/new/", "/monitoring/sources/",
          "/monitoring/sources/add/", "/news/embed/"]


@pytest.fixture
def site(db):
    load_demo(MINI, with_users=False)


def test_every_page_has_a_csp_without_inline_script(client, site):
    editor = get_user_model().objects.create_user("csp-editor")
    assign_role(editor, "editor")
    pages = {}
    for url in PUBLIC:
        pages[url] = client.get(url)
    client.force_login(editor)
    for url in EDITOR:
        pages[url] = client.get(url)
    for url, response in pages.items():
        assert response.status_code in (200, 404), url
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        assert inline_script_problems(response.content.decode()) == [], url


def test_the_widget_may_be_framed_but_runs_no_script(client, site):
    csp = client.get("/news/widget/").headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'none'" in csp


def test_anonymous_readers_get_no_cookie_on_pages_without_forms(client, site):
    checked = 0
    for url in [*PUBLIC, "/news/feed.atom", "/news/widget/", "/categories/networks/", "/search/?type=report"]:
        response = client.get(url)
        client.cookies.clear()
        if 'method="post"' in response.content.decode().lower():
            continue  # a form that needs its CSRF cookie (subscribe, sign in)
        checked += 1
        assert dict(response.cookies) == {}, (url, list(response.cookies))
    assert checked >= 5  # the start page, search, feeds, the widget, category pages


def test_the_sign_in_page_still_sets_its_csrf_cookie(client, site):
    assert "csrftoken" in client.get("/accounts/login/").cookies


def test_the_language_link_sets_only_the_language_cookie(client, site):
    response = client.get("/language/en/", {"next": "/entities/amsterdam/"})
    assert response.status_code == 302 and response["Location"] == "/entities/amsterdam/"
    assert list(response.cookies) == ["django_language"] and response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/entities/amsterdam/").content.decode()
    assert client.get("/language/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/language/xx/").status_code == 404
    assert 'href="/language/sv/?next=/entities/amsterdam/"' in client.get("/entities/amsterdam/").content.decode()


def test_form_errors_answer_400(client, site):
    editor = get_user_model().objects.create_user("form-editor")
    assign_role(editor, "editor")
    client.force_login(editor)
    assert client.post("/monitoring/opml/import/", {}).status_code == 400
    assert client.post("/monitoring/sources/add/", {"kind": "feed", "url": "ftp://x"}).status_code == 400
    assert client.post("/news/notices/new/", {"title": ""}).status_code == 400
