"""The public map: thin views that parse, call one query and render (MISSION M5, M6)."""

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from omvarld.analytics.middleware import set_result_count
from omvarld.catalogue import queries
from omvarld.catalogue.forms import parse_days, parse_filters, parse_page
from omvarld.core.models import Entity, Item, MainCategory, Region, Theme

PER_PAGE = 20


def home(request):
    categories = list(queries.main_categories())
    latest = queries.with_entities(list(queries.published_items().order_by("-updated_at")[:6]))
    new_count = queries.published_items().filter(updated_at__gte=queries.since_new()).count()
    themes = Theme.objects.alive().filter(merged_into__isnull=True)
    return render(
        request, "catalogue/home.html", {"categories": categories, "latest": latest, "new_count": new_count, "themes": themes}
    )


def category(request, slug):
    cat = get_object_or_404(MainCategory.objects.alive(), slug=slug)
    region = request.GET.get("region", "")[:60]
    since = queries.since_new()
    entities = list(queries.category_entities(cat, region=region))
    for e in entities:
        e.fresh = queries.entity_freshness(e, since)
    regions = Region.objects.filter(entities__main_category=cat, entities__deleted_at__isnull=True).distinct()
    return render(
        request,
        "catalogue/category.html",
        {
            "category": cat,
            "watched": [e for e in entities if e.is_watched],
            "others": [e for e in entities if not e.is_watched],
            "regions": regions,
            "region": region,
            "info_categories": cat.info_categories.alive(),
        },
    )


def entity(request, slug):
    ent = get_object_or_404(Entity.objects.alive().select_related("main_category", "region"), slug=slug)
    sections, other = queries.entity_sections(ent)
    now = timezone.now()
    for section in [*sections, other] if other else sections:
        for it in section.items:
            it.fresh = it.freshness(now)
    return render(
        request,
        "catalogue/entity.html",
        {"entity": ent, "sections": sections, "other": other, "relations": queries.entity_relations(ent)},
    )


def item(request, pk):
    it = queries.item_detail(pk)
    if it is None:
        raise Http404
    it.fresh = it.freshness()
    return render(request, "catalogue/item.html", {"item": it, "reports": queries.event_reports(it)})


def themes(request):
    return render(request, "catalogue/themes.html", {"themes": queries.themes_with_counts()})


def theme(request, slug):
    th = get_object_or_404(Theme.objects.alive(), slug=slug)
    filters = parse_filters(request.GET)
    filters.theme = th.slug
    return _search_response(request, filters, extra={"theme": th})


def search(request):
    return _search_response(request, parse_filters(request.GET))


def _search_response(request, filters, extra=None):
    page = parse_page(request.GET.get("page"))
    result = queries.run_search(filters, page=page, per_page=PER_PAGE)
    now = timezone.now()
    for it in result.items:
        it.fresh = it.freshness(now)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filters": filters,
        "result": result,
        "page": page,
        "has_next": page * PER_PAGE < result.item_total,
        "query_string": params.urlencode(),
        "types": Item.Type.choices,
        "themes": Theme.objects.alive(),
        "regions": Region.objects.all(),
        "categories": MainCategory.objects.alive(),
        **(extra or {}),
    }
    template = "catalogue/search.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        template += "#results"
    status = 400 if filters.errors else 200
    response = render(request, template, context, status=status)
    set_result_count(response, result.item_total + len(result.entities))
    return response


def whats_new(request):
    days = parse_days(request.GET.get("days"), settings.NEW_DAYS)
    page = parse_page(request.GET.get("page"))
    items, total = queries.whats_new(days, page=page, per_page=PER_PAGE * 2)
    now = timezone.now()
    for it in items:
        it.fresh = it.freshness(now) or "updated"
    return render(
        request,
        "catalogue/whats_new.html",
        {
            "items": items, "total": total, "days": days, "day_choices": [7, 30, 90, 365], "page": page,
            "has_next": page * PER_PAGE * 2 < total,
        },
    )


def favicon(request):
    """Browsers that ask for /favicon.ico get the site's SVG icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("omvarld/favicon.svg"), permanent=True)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)


# When even the styled page cannot be drawn (the database is down), this plain one is sent.
PLAIN_500 = (
    '<!doctype html><html lang="sv"><meta charset="utf-8"><title>Något gick fel</title>'
    "<h1>Något gick fel</h1><p>Ett fel hos oss stoppade sidan. Försök igen om en stund.</p>"
    '<h2 lang="en">Something went wrong</h2><p lang="en">An error on our side stopped this page. Please try again in a moment.</p>'
)


def server_error(request):
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001  the page must be answered whatever failed
        return HttpResponseServerError(PLAIN_500)
