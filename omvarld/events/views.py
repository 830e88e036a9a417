import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omvarld.accounts.roles import REVIEW, can, require
from omvarld.core.models import Entity, Theme

from . import actions, ical, queries
from .forms import FilterForm, ImportForm
from .models import CalendarImport
from .tasks import import_calendar_url_task


def _filters(request):
    form = FilterForm(request.GET or None)
    values = form.values() if request.GET else {"theme": "", "entity": "", "region": "", "ours": False}
    query = urlencode({k: ("1" if v is True else v) for k, v in values.items() if v})
    return form, values, query


def event_list(request):
    form, values, query = _filters(request)
    qs = queries.filtered(queries.base(), **values)
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    events = queries.past(qs) if when == "past" else queries.upcoming(qs)
    today = timezone.localdate()
    return render(request, "events/list.html", {
        "form": form, "events": events[:200], "when": when, "query": query,
        "month_url": reverse("events:month", args=[today.year, today.month]),
        "feed_url": reverse("events:feed") + (f"?{query}" if query else ""),
        "can_edit": can(request.user, REVIEW),
    })


def month(request, year: int, month: int):
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    form, values, query = _filters(request)
    qs = queries.filtered(queries.base(), **values)
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return render(request, "events/month.html", {
        "form": form, "weeks": queries.month_grid(qs, year, month), "first": first, "query": query,
        "prev": prev, "next": nxt, "today": timezone.localdate(),
    })


def detail(request, pk: int):
    event = get_object_or_404(queries.base(), pk=pk)
    return render(request, "events/detail.html", {
        "event": event, "plan": getattr(event, "plan", None), "can_edit": can(request.user, REVIEW),
    })


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request, pk: int):
    event = get_object_or_404(queries.base(), pk=pk)
    return _ics(ical.build([event], name=event.title), f"event-{event.pk}.ics")


def feed(request):
    _form, values, _query = _filters(request)
    qs = queries.filtered(queries.base(), **values).order_by("starts_at")
    return _ics(ical.build(qs, name=_("Events")), "events.ics")


def theme_feed(request, slug: str):
    theme = get_object_or_404(Theme, slug=slug)
    qs = queries.filtered(queries.base(), theme=slug).order_by("starts_at")
    return _ics(ical.build(qs, name=f"{_('Events')}: {theme}"), f"events-{slug}.ics")


def entity_feed(request, slug: str):
    entity = get_object_or_404(Entity, slug=slug)
    qs = queries.filtered(queries.base(), entity=slug).order_by("starts_at")
    return _ics(ical.build(qs, name=f"{_('Events')}: {entity}"), f"events-{slug}.ics")


def ours_feed(request):
    qs = queries.filtered(queries.base(), ours=True).order_by("starts_at")
    return _ics(ical.build(qs, name=_("Events we take part in")), "events-we-take-part-in.ics")


@require(REVIEW)
@require_http_methods(["GET", "POST"])
def import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and form.cleaned_data["url"]:
        job = CalendarImport.objects.create(url=form.cleaned_data["url"], requested_by=request.user)
        import_calendar_url_task.enqueue(job.pk)
        messages.success(request, _("The calendar will be fetched and imported by the worker; its state is shown below."))
        return redirect("events:import")
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.import_calendar(form.cleaned_data["file"].read(ical.MAX_FILE_BYTES + 1))
        except ical.CalendarError as exc:
            errors = str(exc).splitlines()
        else:
            messages.success(request, _("Imported: %(created)s new events, %(updated)s updated.") % {
                "created": report.created, "updated": report.updated})
            return redirect("events:list")
    status = 400 if request.method == "POST" else 200
    jobs = CalendarImport.objects.all()[:10]
    return render(request, "events/import.html", {"form": form, "errors": errors, "jobs": jobs}, status=status)
