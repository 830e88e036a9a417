"""Editor pages: sources, their health, pause/resume, fetch now, OPML. Thin: authorise, call, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omvarld.accounts.roles import role_of
from omvarld.monitoring import actions, queries
from omvarld.monitoring.errors import describe
from omvarld.monitoring.forms import OPMLImportForm, SourceForm
from omvarld.monitoring.models import Source
from omvarld.monitoring.opml import MAX_BYTES
from omvarld.monitoring.tasks import add_source_task, fetch_source_task
from omvarld.runtime import jobs


def editor_required(view):
    """Only editors and administrators; others are sent to sign in or refused."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(request.user) not in ("editor", "admin"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _source_for_editor(request, pk) -> Source:
    return get_object_or_404(Source, pk=pk)


@editor_required
def source_list(request):
    from omvarld.runtime import heartbeat

    return render(request, "monitoring/source_list.html", {"sources": queries.source_list(), "workers": heartbeat.status()})


@editor_required
def source_add(request):
    form = SourceForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Finding and reading the feed is a worker's job, never this request's (#18).
        d = form.cleaned_data
        job = jobs.start(kind="source", user=request.user, task=add_source_task, params={
            "url": d["url"], "kind": d["kind"], "title": d["title"], "css_selector": d["css_selector"],
            "entities": [e.pk for e in d["entities"]], "priority": d["priority"], "language": get_language(),
        })
        return redirect("runtime:job", job.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "monitoring/source_add.html", {"form": form}, status=status)


@editor_required
def source_detail(request, pk):
    from omvarld.runtime import heartbeat

    health = queries.source_health(_source_for_editor(request, pk))
    return render(request, "monitoring/source_detail.html", {"health": health, "source": health.source, "workers": heartbeat.status()})


@editor_required
@require_POST
def source_pause(request, pk):
    actions.pause_source(source=_source_for_editor(request, pk), user=request.user)
    messages.success(request, _("Source paused."))
    return redirect("monitoring:source", pk)


@editor_required
@require_POST
def source_resume(request, pk):
    actions.resume_source(source=_source_for_editor(request, pk), user=request.user)
    messages.success(request, _("Source resumed; errors were reset and it will be fetched shortly."))
    return redirect("monitoring:source", pk)


@editor_required
@require_POST
def source_fetch(request, pk):
    fetch_source_task.enqueue(_source_for_editor(request, pk).pk)
    messages.success(request, _("The source will be fetched now."))
    return redirect("monitoring:source", pk)


@editor_required
def opml_import(request):
    """Upload a list; the answer shows the import report (or why the file was refused)."""
    posted = request.method == "POST"
    # Bound even when empty, so a post without a file is an error (400), not a blank form.
    form = OPMLImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        try:
            # Read one byte past the limit, so a larger file is refused without being read whole.
            data = form.cleaned_data["file"].read(MAX_BYTES + 1)
            report = actions.import_opml(data=data, user=request.user)
        except actions.SourceError as exc:
            form.add_error("file", describe(exc.key, exc.params))
    status = 400 if posted and form.errors else 200
    return render(request, "monitoring/opml_import.html", {"form": form, "report": report}, status=status)


@editor_required
def opml_export(request):
    response = HttpResponse(actions.export_opml(), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="omvarld-sources.opml"'
    return response
