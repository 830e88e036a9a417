"""Every URL of the site with who may use it and how (#18): a route added, removed or renamed
without being reviewed here fails this test.

``ROUTES``: route -> (who, methods). Who: ``public`` (anyone), ``token`` (an API token),
``link`` (the secret in the URL, for subscribers and sign-in links), ``signed-in`` (any member),
``partner``, ``editor``, ``admin``, ``asker`` (the member who queued the check), ``bearer`` (the
bounce endpoint's shared secret). Methods: what the route answers to. The permission matrix in
``test_permissions.py`` tries the editorial and user-management routes as every role; this test
holds the inventory of all of them and tries the rest: the signed-out visitor and the member are
turned away from what is not theirs, and POST-only routes refuse GET.
"""

import pytest
from django.urls import URLResolver, get_resolver

from omvarld.accounts.roles import assign_role

ROUTES = {
    "admin/": ("editor", "GET POST"),  # Django's admin: editors see content, administrators all
    "i18n/setlang/": ("public", "GET POST"),  # Django's own: a GET changes nothing
    "language/<str:code>/": ("public", "GET"),
    "health/": ("public", "GET"),
    "checks/<int:pk>/": ("asker", "GET"),
    # accounts
    "accounts/login/": ("public", "GET POST"),
    "accounts/logout/": ("public", "POST"),
    "accounts/link/": ("public", "GET POST"),
    "accounts/link/<str:token>/": ("link", "GET POST"),
    "accounts/users/": ("admin", "GET"),
    "accounts/users/invite/": ("admin", "GET POST"),
    "accounts/users/<int:pk>/role/": ("admin", "POST"),
    "accounts/users/<int:pk>/active/": ("admin", "POST"),
    # editorial
    "editorial/": ("partner", "GET"),
    "editorial/suggest/": ("partner", "GET"),
    "editorial/suggest/<slug:kind>/": ("partner", "GET POST"),
    "editorial/suggestions/": ("partner", "GET"),
    "editorial/suggestions/<int:pk>/": ("partner", "GET"),
    "editorial/suggestions/<int:pk>/revise/": ("partner", "GET POST"),
    "editorial/review/<int:pk>/": ("editor", "GET"),
    "editorial/review/<int:pk>/accept/": ("editor", "POST"),
    "editorial/review/<int:pk>/request-changes/": ("editor", "POST"),
    "editorial/review/<int:pk>/reject/": ("editor", "POST"),
    "editorial/items/": ("editor", "GET"),
    "editorial/items/new/": ("editor", "GET POST"),
    "editorial/items/new/preview/": ("editor", "POST"),
    "editorial/items/<int:pk>/": ("editor", "GET POST"),
    "editorial/items/<int:pk>/preview/": ("editor", "POST"),
    "editorial/items/<int:pk>/publish/": ("editor", "POST"),
    "editorial/items/<int:pk>/unpublish/": ("editor", "POST"),
    "editorial/items/<int:pk>/archive/": ("editor", "POST"),
    "editorial/history/<slug:model>/<int:pk>/": ("editor", "GET"),
    "editorial/revisions/<int:pk>/restore/": ("editor", "POST"),
    "editorial/trash/": ("editor", "GET"),
    "editorial/trash/<slug:kind>/<int:pk>/": ("editor", "POST"),
    "editorial/trash/<slug:kind>/<int:pk>/restore/": ("editor", "POST"),
    # subscriptions
    "subscriptions/subscribe/": ("public", "GET POST"),
    "subscriptions/confirm/<str:token>/": ("link", "GET POST"),
    "subscriptions/manage/<str:token>/": ("link", "GET POST"),
    "subscriptions/manage/<str:token>/subscriptions/<int:pk>/rhythm/": ("link", "POST"),
    "subscriptions/manage/<str:token>/subscriptions/<int:pk>/remove/": ("link", "POST"),
    "subscriptions/manage/<str:token>/language/": ("link", "POST"),
    "subscriptions/manage/<str:token>/data.json": ("link", "GET"),
    "subscriptions/manage/<str:token>/erase/": ("link", "POST"),
    "subscriptions/unsubscribe/<str:token>/": ("link", "GET POST"),
    "subscriptions/mine/": ("signed-in", "GET"),
    "subscriptions/bounces/": ("bearer", "POST"),
    # monitoring
    "monitoring/sources/": ("editor", "GET"),
    "monitoring/sources/add/": ("editor", "GET POST"),
    "monitoring/sources/<int:pk>/": ("editor", "GET"),
    "monitoring/sources/<int:pk>/pause/": ("editor", "POST"),
    "monitoring/sources/<int:pk>/resume/": ("editor", "POST"),
    "monitoring/sources/<int:pk>/fetch/": ("editor", "POST"),
    "monitoring/opml/import/": ("editor", "GET POST"),
    "monitoring/opml/export/": ("editor", "GET"),
    # news desk
    "news/": ("public", "GET"),
    "news/feed.atom": ("public", "GET"),
    "news/feed.rss": ("public", "GET"),
    "news/<str:scope>/<slug:slug>/feed.atom": ("public", "GET"),
    "news/<str:scope>/<slug:slug>/feed.rss": ("public", "GET"),
    "news/widget/": ("public", "GET"),
    "news/embed/": ("public", "GET"),
    "news/notices/new/": ("editor", "GET POST"),
    "news/inbox/": ("editor", "GET"),
    "news/inbox/<int:pk>/pick/": ("editor", "POST"),
    "news/inbox/<int:pk>/discard/": ("editor", "POST"),
    "news/inbox/discard/": ("editor", "POST"),
    "news/tips/new/": ("signed-in", "GET POST"),
    "news/newsletters/": ("editor", "GET"),
    "news/newsletters/build/": ("editor", "POST"),
    "news/newsletters/<int:pk>/": ("editor", "GET POST"),
    "news/newsletters/<int:pk>/hand-over/": ("editor", "POST"),
    # API
    "api/v1/": ("public", "GET"),
    "api/v1/openapi.json": ("public", "GET"),
    "api/v1/entities": ("public", "GET"),
    "api/v1/entities/<slug>": ("public", "GET"),
    "api/v1/items": ("public", "GET"),
    "api/v1/items/<item_id>": ("public", "GET"),
    "api/v1/notices": ("public", "GET"),
    "api/v1/events": ("public", "GET"),
    "api/v1/themes": ("public", "GET"),
    "api/v1/tips": ("token", "POST"),
    "api/v1/suggestions": ("token", "POST"),
    # the public map
    "": ("public", "GET"),
    "categories/<slug:slug>/": ("public", "GET"),
    "entities/<slug:slug>/": ("public", "GET"),
    "items/<int:pk>/": ("public", "GET"),
    "themes/<slug:slug>/": ("public", "GET"),
    "search/": ("public", "GET"),
    "whats-new/": ("public", "GET"),
    "themes/": ("public", "GET"),
    "favicon.ico": ("public", "GET"),
    # mail outbox (#10)
    "outbox/": ("admin", "GET"),
    "outbox/<int:pk>/": ("admin", "GET"),
    "outbox/<int:pk>/html/": ("admin", "GET"),
    "outbox/<int:pk>/retry/": ("admin", "POST"),
    # follows and My feed (#12)
    "feed/": ("signed-in", "GET"),
    "feed/saved/": ("signed-in", "GET"),
    "feed/<str:kind>/<int:pk>/open/": ("signed-in", "GET"),
    "feed/<str:kind>/<int:pk>/<str:action>/": ("signed-in", "POST"),
    "feed/settings/": ("signed-in", "POST"),
    "feed/secret/reset/": ("signed-in", "POST"),
    "feed/my-data.json": ("signed-in", "GET"),
    "feed/atom/<str:secret>/": ("link", "GET"),
    "following/": ("signed-in", "GET"),
    "following/<int:pk>/mail/": ("signed-in", "POST"),
    "following/<int:pk>/remove/": ("signed-in", "POST"),
    "follow/keyword/": ("signed-in", "POST"),
    "follow/<str:kind>/<path:ref>/": ("signed-in", "POST"),
    "unfollow/<str:kind>/<path:ref>/": ("signed-in", "POST"),
    # trend radar (#12)
    "trends/": ("public", "GET"),
    "trends/weekly/": ("editor", "GET"),
    # analytics (#13): counting endpoints are public, the figures are the editors'
    "analytics/": ("editor", "GET"),
    "analytics/csv/<slug:slug>.csv": ("editor", "GET"),
    "analytics/out/": ("public", "GET"),
    "analytics/beacon/": ("public", "POST"),
    # map and graph (#14), programme look (M12)
    "map/": ("public", "GET"),
    "map/data.json": ("public", "GET"),
    "map/places/<slug:slug>/card/": ("public", "GET"),
    "graph/": ("public", "GET"),
    "graph/data.json": ("public", "GET"),
    "graph/export.graphml": ("public", "GET"),
    "graph/relations/new/": ("editor", "POST"),
    "programme/look.css": ("public", "GET"),
    "programme/logo": ("public", "GET"),
    # events calendar and webinars (#15)
    "events/": ("public", "GET"),
    "events/<int:year>/<int:month>/": ("public", "GET"),
    "events/<int:pk>/": ("public", "GET"),
    "events/<int:pk>.ics": ("public", "GET"),
    "events/feed.ics": ("public", "GET"),
    "events/we-take-part.ics": ("public", "GET"),
    "events/themes/<slug:slug>.ics": ("public", "GET"),
    "events/entities/<slug:slug>.ics": ("public", "GET"),
    "events/import/": ("editor", "GET POST"),
    "webinars/": ("public", "GET"),
    "webinars/<int:pk>/": ("public", "GET"),
    "webinars/feed.atom": ("public", "GET"),
}
WHO = {"public", "token", "link", "signed-in", "partner", "editor", "admin", "asker", "bearer"}
SAMPLE = {"<int:pk>": "1", "<str:token>": "abc", "<slug:kind>": "item", "<slug:model>": "item", "<str:code>": "en",
          "<str:scope>": "theme", "<slug:slug>": "energy", "<slug>": "energy", "<item_id>": "1",
          "<int:year>": "2027", "<int:month>": "1", "<str:kind>": "entity", "<path:ref>": "amsterdam",
          "<str:action>": "save", "<str:secret>": "abc"}


def _routes(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) == "admin/":
                yield "admin/"
                continue
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _url(route):
    for key, value in SAMPLE.items():
        route = route.replace(key, value)
    return "/" + route


def test_every_route_is_in_the_inventory_and_nothing_else():
    routes = list(_routes())
    assert len(routes) == len(set(routes)), "a route is defined twice"
    added = sorted(set(routes) - set(ROUTES))
    removed = sorted(set(ROUTES) - set(routes))
    assert not added and not removed, (
        f"unreviewed route changes: review who may use them and add them to ROUTES: added {added}, removed {removed}")
    assert {who for who, _ in ROUTES.values()} <= WHO
    assert all(set(m.split()) <= {"GET", "POST"} for _, m in ROUTES.values())


def _denied(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403, 404, 405) or (
        response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location))


PROTECTED = [r for r, (who, _m) in ROUTES.items() if who in ("signed-in", "partner", "editor", "admin", "asker", "token", "bearer")]


@pytest.mark.parametrize("route", PROTECTED)
def test_signed_out_visitors_are_turned_away(client, db, route):
    for method in ROUTES[route][1].split():
        response = getattr(client, method.lower())(_url(route))
        assert response.status_code < 500, route
        assert _denied(response), f"a visitor reached {method} {route}: {response.status_code}"


@pytest.mark.parametrize("route", [r for r, (who, _m) in ROUTES.items() if who in ("editor", "admin")])
def test_members_are_turned_away_from_editor_routes(client, db, route):
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.create_user("inventory-member")
    assign_role(member, "member")
    client.force_login(member)
    for method in ROUTES[route][1].split():
        response = getattr(client, method.lower())(_url(route))
        assert response.status_code < 500, route
        assert _denied(response), f"a member reached {method} {route}: {response.status_code}"


@pytest.mark.parametrize("route", [r for r, (who, m) in ROUTES.items() if m == "POST" and who not in ("token", "bearer")])
def test_post_only_routes_refuse_get(client, db, route):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user("inventory-admin")
    assign_role(admin, "admin")
    client.force_login(admin)
    response = client.get(_url(route))
    assert response.status_code == 405, f"GET {route} answered {response.status_code}"
