"""Run inside one programme's environment: fetch its public pages, search, feeds and API and the
newsletter's week content, and print them as JSON (used by test_programmes.py)."""

import datetime as dt
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.test import Client  # noqa: E402

from omvarld.newsdesk.queries import week_content  # noqa: E402

terms = sys.argv[1:]
urls = [
    "/", "/whats-new/?days=3650", "/categories/cities/", "/news/", "/news/feed.atom", "/news/feed.rss",
    "/api/v1/entities", "/api/v1/items", "/api/v1/notices", "/api/v1/themes", "/api/v1/openapi.json",
    "/map/", "/map/data.json", "/graph/", "/graph/data.json", "/programme/look.css", "/search/?q=",
]
urls += [f"/search/?q={t}" for t in terms] + [f"/api/v1/items?q={t}" for t in terms]
client = Client(HTTP_ACCEPT_LANGUAGE="sv")
out = {}
for url in urls:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    out[url] = [response.status_code, body.decode("utf-8", "replace")]
week = week_content(dt.date.today() - dt.timedelta(days=dt.date.today().weekday()))
out["newsletter-week"] = [200, " ".join(i.title for i in week.notices + week.map_updates) + " " + " ".join(e.name for e in week.new_entities)]
print(json.dumps({"site_name": settings.SITE_NAME, "pages": out}))
