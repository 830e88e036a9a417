"""The geographic map and the relationship graph: thin views over ``queries`` (MISSION M11)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from omvarld.accounts.roles import REVIEW, can, require
from omvarld.atlas import actions, queries
from omvarld.atlas.forms import RelationForm, parse_graph_filters, parse_map_filters
from omvarld.core.models import Entity

LIST_PER_PAGE = 200


def _page_number(value) -> int:
    try:
        return min(max(int(value or 1), 1), 10_000)
    except ValueError:
        return 1


def _bad_request_json(errors: dict):
    return JsonResponse({"ok": False, "errors": errors}, status=400)


@require_GET
def map_page(request):
    f = parse_map_filters(request.GET)
    rows = queries.place_rows(f) if not f.errors else []
    page = Paginator(rows, LIST_PER_PAGE).get_page(_page_number(request.GET.get("page")))
    legend = queries.legend()
    by_slug = {c.slug: c for c in legend}
    choices = queries.filter_choices()
    region_names = {r.slug: r.name for r in choices["regions"]}
    places = []
    for row in page.object_list:
        place = queries.as_place(row)
        place.legend = by_slug.get(place.category)
        place.region_name = region_names.get(place.region, "")
        places.append(place)
    params = f.as_params()
    context = {
        "filters": f,
        "page": page,
        "places": places,
        "place_count": len(rows),
        "legend": legend,
        "periods": sorted(set(queries.PERIODS) | {f.days}),
        "events": queries.map_events(f) if f.events and not f.errors else [],
        "data_url_params": params,
        "data_query": urlencode(params),
        "config": {"params": {k: str(v) for k, v in params.items()}},
        **choices,
    }
    return render(request, "atlas/map.html", context, status=400 if f.errors else 200)


@require_GET
def map_data(request):
    f = parse_map_filters(request.GET)
    if f.errors:
        return _bad_request_json(f.errors)
    key = queries.cache_key("json", f)
    body = cache.get(key)
    if body is None:
        body = json.dumps(queries.map_data(f), ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, queries.CACHE_SECONDS)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def place_card(request, slug):
    entity = get_object_or_404(Entity.objects.alive().select_related("main_category", "region"), slug=slug)
    f = parse_map_filters(request.GET)
    card = queries.place_card(entity, f.days)
    return render(request, "atlas/card.html", {"card": card, "filters": f})


@require_GET
def graph_page(request):
    f = parse_graph_filters(request.GET)
    focus = Entity.objects.alive().filter(slug=f.focus).first() if f.focus else None
    g = queries.graph(f, focus) if not f.errors else queries.Graph([], [])
    return _render_graph(request, f, g, RelationForm(initial={"source": f.focus}) if can(request.user, REVIEW) else None)


def _render_graph(request, f, g, form, status=200):
    rows = queries.relation_rows(g)
    page = Paginator(rows, LIST_PER_PAGE).get_page(_page_number(request.GET.get("page")))
    context = {
        "filters": f,
        "graph": g,
        "rows": page,
        "matches": queries.search_nodes(f.q) if f.q else None,
        "legend": queries.legend(),
        "form": form,
        "export_query": urlencode(f.as_params()),
        **queries.filter_choices(),
    }
    if f.errors:
        status = 400
    return render(request, "atlas/graph.html", context, status=status)


def _graph_for(request):
    f = parse_graph_filters(request.GET)
    if f.errors:
        return f, None
    focus = Entity.objects.alive().filter(slug=f.focus).first() if f.focus else None
    return f, queries.graph(f, focus)


@require_GET
def graph_data(request):
    f, g = _graph_for(request)
    if g is None:
        return _bad_request_json(f.errors)
    response = JsonResponse(queries.graph_json(g), json_dumps_params={"ensure_ascii": False})
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{f.focus or "relations"}.json"'
    return response


@require_GET
def graph_export_graphml(request):
    f, g = _graph_for(request)
    if g is None:
        return _bad_request_json(f.errors)
    response = HttpResponse(queries.graphml(g), content_type="application/graphml+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{f.focus or "relations"}.graphml"'
    return response


@require_POST
@require(REVIEW)
def add_relation(request):
    form = RelationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.add_relation(user=request.user, source=data["source"], kind=data["kind"], target=data["target"], note=data["note"])
        messages.success(request, _("Relation added: %(source)s %(kind)s %(target)s.") % {
            "source": data["source"].name, "kind": dict(form.fields["kind"].choices)[data["kind"]], "target": data["target"].name,
        })
        return redirect(f"{reverse('atlas:graph')}?focus={data['source'].slug}#graph-h")
    f = parse_graph_filters(request.GET)
    focus = Entity.objects.alive().filter(slug=f.focus).first() if f.focus else None
    return _render_graph(request, f, queries.graph(f, focus) if not f.errors else queries.Graph([], []), form, status=400)

