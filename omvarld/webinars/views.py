from django.shortcuts import get_object_or_404, render

from . import queries


def webinar_list(request):
    q = request.GET.get("q", "").strip()[:200]
    theme = request.GET.get("theme", "").strip()[:100]
    entity = request.GET.get("entity", "").strip()[:120]
    qs = queries.search(queries.published(), q=q, theme=theme, entity=entity)
    return render(request, "webinars/list.html", {
        "q": q, "recorded": queries.recorded(qs)[:100], "upcoming": queries.upcoming(qs)[:20],
    })


def detail(request, pk: int):
    webinar = get_object_or_404(queries.published(), pk=pk)
    return render(request, "webinars/detail.html", {"webinar": webinar})
