"""The editors' inbox pages and the members' tip form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omvarld.core.models import Entity, Theme
from omvarld.monitoring import actions as monitoring
from omvarld.monitoring.models import Entry, Source
from omvarld.newsdesk import inbox
from omvarld.newsdesk.forms import TipForm
from omvarld.newsdesk.views import editor_required


def _filters(get) -> inbox.Filters:
    f = inbox.Filters()
    if get.get("entity"):
        f.entity = Entity.objects.alive().filter(slug=get["entity"][:120]).first()
        if f.entity is None:
            f.errors["entity"] = _("No such entity.")
    if get.get("theme"):
        f.theme = Theme.objects.alive().filter(slug=get["theme"][:120]).first()
        if f.theme is None:
            f.errors["theme"] = _("No such theme.")
    if get.get("source", "").isdigit():
        f.source = Source.objects.filter(pk=int(get["source"])).first()
    f.language = get.get("lang", "")[:8]
    try:
        f.min_score = float(get["score"]) if get.get("score") else None
    except ValueError:
        f.errors["score"] = _("Give a number between 0 and 1.")
    try:
        f.since = dt.date.fromisoformat(get["since"]) if get.get("since") else None
    except ValueError:
        f.errors["since"] = _("Give a date as YYYY-MM-DD.")
    return f


@editor_required
def inbox_page(request):
    f = _filters(request.GET)
    context = {
        "stories": inbox.stories(f),
        "picked": inbox.picked(),
        "languages": inbox.languages(),
        "filters": f,
        "get": request.GET,
        "entities": Entity.objects.alive().filter(is_watched=True),
        "themes": Theme.objects.alive().filter(merged_into__isnull=True),
        "sources": Source.objects.all(),
        "query": request.GET.urlencode(),
    }
    return render(request, "newsdesk/inbox.html", context, status=400 if f.errors else 200)


def _back(request):
    query = request.POST.get("query", "")
    return redirect(reverse("newsdesk:inbox") + (f"?{query}" if query and len(query) < 500 else ""))


@editor_required
@require_POST
def pick(request, pk):
    entry = get_object_or_404(Entry, pk=pk)
    monitoring.pick_entry(entry=entry, user=request.user)
    return redirect(reverse("newsdesk:notice-new") + f"?entry={entry.pk}")


@editor_required
@require_POST
def discard(request, pk):
    entry = get_object_or_404(Entry, pk=pk)
    monitoring.discard_entry(entry=entry, user=request.user)
    messages.success(request, _("Discarded: %(title)s") % {"title": entry.title})
    return _back(request)


@editor_required
@require_POST
def discard_selected(request):
    ids = [int(v) for v in request.POST.getlist("entries") if v.isdigit()][:200]
    entries = list(Entry.objects.filter(pk__in=ids, status__in=inbox.OPEN))
    for entry in entries:
        monitoring.discard_entry(entry=entry, user=request.user)
    messages.success(request, _("Discarded %(count)s entries.") % {"count": len(entries)})
    return _back(request)


@login_required
def tip_new(request):
    """Any signed-in member sends a link and a note to the editors."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = TipForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # The page is read by a worker, never by this request (#18): the sender sees "checking…".
        from omvarld.newsdesk.tasks import check_tip_task
        from omvarld.runtime import jobs

        job = jobs.start(kind="tip", user=request.user, task=check_tip_task, params={
            "url": form.cleaned_data["url"], "note": form.cleaned_data["note"], "next": next_url,
            "language": get_language(),
        })
        return redirect("runtime:job", job.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "newsdesk/tip_form.html", {"form": form, "next": next_url}, status=status)
