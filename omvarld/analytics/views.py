"""Analytics pages: the editors' dashboard and its CSV files, the outbound redirect, the beacon."""

import csv
import json

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from omvarld.accounts import roles
from omvarld.analytics import actions, beacon, queries
from omvarld.analytics.forms import PeriodForm


def _period(request):
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    if request.GET and not form.is_valid():
        return form, None
    return form, form.to_period()


@roles.require(roles.REVIEW)
def dashboard(request):
    form, period = _period(request)
    if period is None:
        return render(request, "analytics/dashboard.html", {"form": form, "sections": []}, status=400)
    sections = [_section(t) for t in queries.dashboard(period)]
    return render(
        request, "analytics/dashboard.html",
        {"form": form, "period": period, "sections": sections, "query_string": request.GET.urlencode()},
    )


def _section(table: queries.Table) -> dict:
    runs = table.run_links or [None] * len(table.rows)
    rows = [{"label": r[0], "values": r[1:], "link": link, "run": run} for r, link, run in zip(table.rows, table.links, runs)]
    chart = table.chart_data() if table.chart and table.rows else None
    return {"table": table, "rows": rows, "chart": chart, "data_id": f"{table.slug}-data"}


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@roles.require(roles.REVIEW)
def table_csv(request, slug):
    if slug not in queries.TABLES:
        return HttpResponseBadRequest(_("There is no such table."), content_type="text/plain; charset=utf-8")
    form, period = _period(request)
    if period is None:
        return HttpResponseBadRequest(" ".join(form.non_field_errors()) or _("Give a valid period."), content_type="text/plain; charset=utf-8")
    table = queries.dashboard_table(slug, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{period.start}-{period.end}.csv"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8
    writer = csv.writer(response)
    writer.writerow([csv_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(c) for c in row])
    return response


@require_GET
def outbound(request):
    """Count a click on a link in the content, then send the browser on to it.

    Only a destination that is exactly the link of the item (or the website of the entity) named
    in the address is accepted: the redirect cannot be used to send people anywhere else."""
    to = request.GET.get("to", "")[:2000]
    found = queries.outbound_target(to=to, item=request.GET.get("item", "")[:20], entity=request.GET.get("entity", "")[:120])
    if found is None:
        return render(request, "analytics/bad_destination.html", status=400)
    target, host = found
    actions.record_outbound(request, target=target, host=host)
    response = HttpResponseRedirect(to)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@csrf_exempt
@require_POST
def beacon_view(request):
    """A page view reported by the page itself (for copies of pages served where Django does not
    run, e.g. a front cache). Anything not exactly as expected is refused and nothing is stored."""
    error = beacon.accept(request)
    if error:
        return HttpResponse(json.dumps({"ok": False, "error": error}), status=400, content_type="application/json")
    return HttpResponse(status=204)
