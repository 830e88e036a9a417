"""The news desk's pages: the public notice stream and widget, and the editors' notice and newsletter tools."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from omvarld.core.models import MainCategory, Theme
from omvarld.monitoring import actions as monitoring
from omvarld.monitoring.models import Entry
from omvarld.newsdesk import actions, inbox, queries
from omvarld.newsdesk.feeds import SCOPES, feed_links
from omvarld.newsdesk.forms import NewsletterForm, NoticeForm, WeekForm
from omvarld.newsdesk.models import NewsletterDraft

STREAM_PAGE = 20
WIDGET_MAX = 20


def editor_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not actions.can_edit_news(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def stream(request):
    paginator = Paginator(queries.published_notices(), STREAM_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404 from None
    notices = queries.with_tags(page.object_list) if page.object_list else []
    return render(request, "newsdesk/stream.html", {"notices": notices, "page": page, "feeds": feed_links()})


def _widget_scope(request) -> dict:
    scope = {}
    for name, model in SCOPES.items():
        slug = request.GET.get(name, "")[:120]
        if slug:
            scope[name] = get_object_or_404(model.objects.alive(), slug=slug)
    return scope


def _widget_limit(request) -> int:
    try:
        return max(1, min(WIDGET_MAX, int(request.GET.get("limit", 5))))
    except ValueError:
        return 5


@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"], "script-src": [CSP.NONE]})
def widget(request):
    """The latest notices as a self-contained page for other sites to frame; no scripts."""
    notices = queries.latest_notices(_widget_limit(request), **_widget_scope(request))
    response = render(request, "newsdesk/widget.html", {"notices": notices, "site_url": settings.SITE_URL})
    response["Cache-Control"] = "public, max-age=300"
    return response


def embed(request):
    """Copy-able snippets for embedding the latest notices on another site."""
    scope = _widget_scope(request)
    params = {k: v.slug for k, v in scope.items()}
    params["limit"] = _widget_limit(request)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    widget_url = f"{settings.SITE_URL}{reverse('newsdesk:widget')}?{query}"
    notices = queries.latest_notices(params["limit"], **scope)
    context = {
        "widget_url": widget_url,
        "notices": notices,
        "site_url": settings.SITE_URL,
        "themes": Theme.objects.alive(),
        "categories": MainCategory.objects.alive(),
        "scope": params,
    }
    return render(request, "newsdesk/embed.html", context)


@editor_required
def notice_new(request):
    """Write a notice by hand, or from a picked inbox entry (``?entry=``), prefilled."""
    entry = _entry_or_none(request.GET.get("entry") or request.POST.get("entry"))
    suggested = inbox.suggestions(entry) if entry else {"entities": {}, "themes": {}}
    options = {"entity_choices": suggested["entities"].keys(), "confidence": suggested}
    if request.method == "POST":
        form = NoticeForm(request.POST, **options)
        if form.is_valid():
            return _publish(request, form, entry)
    else:
        form = NoticeForm(initial=_prefill(request, entry, suggested), **options)
    return render(request, "newsdesk/notice_form.html", {"form": form, "entry": entry}, status=400 if form.errors else 200)


def _entry_or_none(value):
    from omvarld.monitoring.models import Entry

    if not value or not str(value).isdigit():
        return None
    return Entry.objects.select_related("source").prefetch_related("tags").filter(pk=int(value)).first()


SUGGEST_AT = 0.5  # suggestions at least this confident start ticked


def _prefill(request, entry, suggested) -> dict:
    if entry is None:
        return {k: request.GET.get(k, "") for k in ("title", "url", "source_name", "summary")}
    return {
        "title": entry.title,
        "url": entry.url,
        "source_name": (entry.source.title if entry.source else "") or urlsplit(entry.url).hostname or "",
        "language": entry.language or "en",
        "published_on": entry.published_at.date() if entry.published_at else None,
        "summary": inbox.extractive_summary(entry.title, entry.text),
        "entities": [pk for pk, c in suggested["entities"].items() if c >= SUGGEST_AT],
        "themes": [pk for pk, c in suggested["themes"].items() if c >= SUGGEST_AT],
    }


def _publish(request, form, entry=None):
    data = form.cleaned_data
    notice = actions.publish_notice(
        user=request.user,
        title=data["title"],
        url=data["url"],
        source_name=data["source_name"],
        language=data["language"],
        published_on=data["published_on"],
        summary=data["summary"],
        commentary=data["commentary"],
        entities=form.all_entities(),
        themes=list(data["themes"]),
    )
    if entry is not None and entry.status in (Entry.Status.PICKED, Entry.Status.NEW, Entry.Status.TIP):
        monitoring.mark_published(entry=entry, user=request.user)
    messages.success(request, _("The notice is published."))
    return redirect(notice.get_absolute_url())


@editor_required
def newsletter_list(request):
    drafts = NewsletterDraft.objects.alive()[:20]
    return render(request, "newsdesk/newsletter_list.html", {"drafts": drafts, "form": WeekForm()})


@editor_required
@require_POST
def newsletter_build(request):
    form = WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect("newsdesk:newsletters")
    draft = actions.build_newsletter_draft(user=request.user, week_start=form.cleaned_data["week_start"])
    return redirect("newsdesk:newsletter", pk=draft.pk)


@editor_required
def newsletter_edit(request, pk):
    draft = get_object_or_404(NewsletterDraft.objects.alive(), pk=pk)
    form = NewsletterForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        actions.edit_newsletter_draft(draft=draft, user=request.user, **{k: form.cleaned_data[k] for k in ("subject", "html", "text")})
        messages.success(request, _("The newsletter draft is saved."))
        return redirect("newsdesk:newsletter", pk=draft.pk)
    return render(request, "newsdesk/newsletter_edit.html", {"draft": draft, "form": form, "most_read": _most_read(draft)}, status=400 if form.errors else 200)


def _most_read(draft):
    """The most read items of the draft's week (up to today), for the editor to add."""
    from datetime import timedelta

    from django.utils import timezone

    from omvarld.analytics.queries import most_read_items

    end = min(draft.week_start + timedelta(days=6), timezone.localdate())
    return [(it, views, settings.SITE_URL + it.get_absolute_url()) for it, views in most_read_items(end - timedelta(days=6), end)]


@editor_required
@require_POST
def newsletter_hand_over(request, pk):
    draft = get_object_or_404(NewsletterDraft.objects.alive(), pk=pk)
    draft = actions.hand_over_newsletter(draft=draft, user=request.user)
    if draft.status == NewsletterDraft.Status.HANDED_OVER:
        messages.success(request, _("The newsletter is handed to sending."))
    else:
        messages.warning(request, _("Sending is not set up on this site yet, so the newsletter waits as ready to send."))
    return redirect("newsdesk:newsletter", pk=draft.pk)

