"""The public trend radar and the editors' weekly "what is rising" summaries."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omvarld.core.models import Entity, Theme
from omvarld.trends import queries
from omvarld.trends.compute import WINDOWS


def _window(value) -> int:
    try:
        weeks = int(value)
    except (TypeError, ValueError):
        return WINDOWS[0]
    return weeks if weeks in WINDOWS else WINDOWS[0]


@require_GET
def radar(request):
    window = _window(request.GET.get("weeks"))
    found = queries.trends(window)
    themes = Theme.objects.in_bulk([int(t.key) for t in found if t.kind == "theme" and t.key.isdigit()])
    entities = Entity.objects.in_bulk([int(t.key) for t in found if t.kind == "entity" and t.key.isdigit()])
    for t in found:
        t.target = {"theme": themes, "entity": entities}.get(t.kind, {}).get(int(t.key) if t.key.isdigit() else 0)
        t.growth_text = f"{t.growth:.1f}"
    computed = found[0].computed_at if found else None
    return render(request, "trends/radar.html", {"trends": found, "window": window, "windows": WINDOWS, "computed_at": computed})


def _require_editor(user):
    from omvarld.newsdesk.actions import can_edit_news

    if not can_edit_news(user):
        raise PermissionDenied


@login_required
@require_GET
def weekly(request):
    _require_editor(request.user)
    summaries = queries.latest_summaries()
    lang = (request.LANGUAGE_CODE or "sv")[:2]
    for s in summaries:
        s.notice_url = reverse("newsdesk:notice-new") + "?" + urlencode(_notice_prefill(s, lang))
        for line in s.lines:
            line["label"] = line["label_en"] if lang == "en" else line["label_sv"]
    return render(request, "trends/weekly.html", {"summaries": summaries})


def _notice_prefill(summary, lang: str) -> dict:
    title = _("What is rising, week of %(date)s") % {"date": summary.week_start.isoformat()}
    lines = []
    for line in summary.lines:
        label = line["label_en"] if lang == "en" else line["label_sv"]
        lines.append(_("%(label)s: ×%(growth)s, in %(sources)s sources") % {"label": label, "growth": line["growth"], "sources": line["sources"]})
    return {"title": title, "summary": "\n".join(lines), "source_name": _("Trend radar")}
