"""Thin views of the personal feed: authorise, parse, call one action or query, render.

Every action works as a plain form post (answered with a redirect back) and, sent by htmx,
answers with the fragment that replaces the control or the entry.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from omvarld.personal import actions, queries
from omvarld.personal.feeds import MemberFeed
from omvarld.personal.models import Feedback, Follow
from omvarld.personal.templatetags.personal import follow_context


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _page_number(value) -> int:
    try:
        return max(1, min(50, int(value or 1)))
    except (TypeError, ValueError):
        return 1


# -- follows -----------------------------------------------------------------------------------


@login_required
@require_POST
def follow(request, kind, ref):
    if kind not in Follow.Kind.values:
        raise Http404
    target = actions.resolve_target(kind, ref if kind != "keyword" else request.POST.get("keyword", ref))
    if kind == "source" and not request.user.is_staff and not _public_source(target.obj):
        raise Http404
    actions.follow(user=request.user, target=target)
    if _htmx(request):
        return render(request, "personal/follow_button.html", follow_context(request, target, following=True))
    messages.success(request, _("You now follow %(name)s.") % {"name": target.keyword or target.obj})
    return _back(request, reverse("personal:following"))


def _public_source(source) -> bool:
    # Sources are managed by editors; members may follow one that brought entries into the pool.
    from omvarld.personal.models import Candidate

    return Candidate.objects.filter(source_id=source.pk).exists()


@login_required
@require_POST
def unfollow(request, kind, ref):
    if kind not in Follow.Kind.values:
        raise Http404
    target = actions.resolve_target(kind, ref)
    if not actions.unfollow(user=request.user, target=target):
        raise Http404
    if _htmx(request):
        return render(request, "personal/follow_button.html", follow_context(request, target, following=False))
    messages.success(request, _("You no longer follow %(name)s.") % {"name": target.keyword or target.obj})
    return _back(request, reverse("personal:following"))


@login_required
@require_POST
def follow_keyword(request):
    word = actions.normalise_keyword(request.POST.get("keyword", ""))
    try:
        target = actions.resolve_target("keyword", word)
    except Http404:
        messages.error(request, _("Write a word of at least three letters to follow."))
        return redirect("personal:following")
    actions.follow(user=request.user, target=target)
    messages.success(request, _("You now follow %(name)s.") % {"name": word})
    return redirect("personal:following")


@login_required
@require_GET
def following(request):
    follows = queries.follows_of(request.user)
    rhythms = actions.mail_rhythms(request.user, follows)
    for f in follows:
        f.mail = rhythms.get(f.pk, "")
        f.can_mail = f.kind in actions.MAIL_KINDS
    profile = actions.profile_of(request.user)
    return render(request, "personal/following.html", {
        "follows": follows, "profile": profile,
        "atom_url": request.build_absolute_uri(reverse("personal:atom", args=[profile.feed_secret])),
        "rhythms": [("", _("Not by email"))] + [(v, n) for v, n in _rhythm_choices()],
    })


def _rhythm_choices():
    from omvarld.subscriptions.models import Subscription

    return Subscription.Rhythm.choices


@login_required
@require_POST
def follow_mail(request, pk):
    rhythm = request.POST.get("rhythm", "")
    try:
        actions.set_follow_mail(user=request.user, follow_id=pk, rhythm=rhythm, page=reverse("personal:following"))
    except ValueError as bad:
        message = {
            "email": _("Your account has no email address; ask an administrator to add one."),
            "kind": _("Sources and keywords are in your feed and weekly mail only."),
        }.get(str(bad), _("Choose immediately, daily, weekly or not by email."))
        messages.error(request, message)
        return redirect("personal:following")
    messages.success(request, _("Saved how often this follow mails you."))
    return redirect("personal:following")


@login_required
@require_POST
def follow_remove(request, pk):
    actions.unfollow_by_id(user=request.user, follow_id=pk)
    messages.success(request, _("Removed."))
    return redirect("personal:following")


@login_required
@require_POST
def feed_settings(request):
    actions.set_stream(user=request.user, include=request.POST.get("include_stream") == "on")
    actions.set_weekly_digest(user=request.user, weekly=request.POST.get("weekly_digest") == "on")
    messages.success(request, _("Your feed settings are saved."))
    return _back(request, reverse("personal:following"))


@login_required
@require_POST
def reset_secret(request):
    actions.reset_feed_secret(user=request.user)
    messages.success(request, _("Your private feed has a new address; the old one no longer works."))
    return redirect("personal:following")


@login_required
@require_GET
def my_data(request):
    response = JsonResponse(queries.export_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-feed-data.json"'
    return response


# -- the feed ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def feed(request):
    page = queries.feed_page(request.user, page=_page_number(request.GET.get("page")))
    context = {"feed": page, "entries": _present(page.entries, page.labels), "next": request.get_full_path()}
    if not page.follows_anything and page.page == 1:
        from omvarld.trends.queries import trends

        context["rising"] = trends(4, limit=8)
    template = "personal/_feed_list.html" if _htmx(request) and request.GET.get("fragment") == "list" else "personal/feed.html"
    return render(request, template, context)


def _present(entries, labels):
    prefix = reverse("personal:feed")
    out = []
    for r in entries:
        s = r.story
        out.append({
            "ranked": r, "story": s,
            "reasons": [queries.reason_text(code, detail, labels, s) for code, detail in r.reasons],
            "tags": ([labels[f"e:{i}"] for i in s.entity_ids if f"e:{i}" in labels][:4]
                     + [labels[f"t:{i}"] for i in s.theme_ids if f"t:{i}" in labels][:4]),
            "dom_id": s.key.replace(":", "-"),
            "base": f"{prefix}{s.kind}/{s.object_id}/",
        })
    return out


@login_required
@require_GET
def open_story(request, kind, pk):
    story = actions.give_feedback(user=request.user, kind=kind, object_id=pk, action=Feedback.Action.OPEN)
    if story.kind == "item":
        return redirect("catalogue:item", pk)
    if not story.url.startswith(("http://", "https://")):
        raise Http404
    return redirect(story.url)


ACTIONS = {"save", "unsave", "hide", "unhide", "more", "less"}


@login_required
@require_POST
def act(request, kind, pk, action):
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    actions.give_feedback(user=request.user, kind=kind, object_id=pk, action=action)
    if _htmx(request):
        if action in ("more", "less"):
            page = queries.feed_page(request.user)
            response = render(request, "personal/_feed_list.html", {"feed": page, "entries": _present(page.entries, page.labels), "next": reverse("personal:feed")})
            response["HX-Retarget"] = "#feed-list"
            response["HX-Reswap"] = "outerHTML"
            return response
        if action == "hide":
            return render(request, "personal/_hidden.html", {"kind": kind, "pk": pk, "dom_id": f"{kind}-{pk}"})
        if action == "unhide":
            return HttpResponse(_("Shown again; it will be back in your feed when you reload."))
        if request.POST.get("from") == "list":
            return render(request, "personal/_save_button.html", {"kind": kind, "pk": pk, "saved": action == "save", "next": reverse("personal:saved")})
        return render(request, "personal/_save_toggle.html", {"saved": action == "save", "base": f"{reverse('personal:feed')}{kind}/{pk}/"})
    notes = {
        "save": _("Saved to your reading list."), "unsave": _("Removed from your reading list."),
        "hide": _("Hidden. Your feed will show less like it."), "unhide": _("Shown again."),
        "more": _("Your feed will show more like this."), "less": _("Your feed will show less like this."),
    }
    messages.success(request, notes[action])
    return _back(request, reverse("personal:feed"))


@login_required
@require_GET
def saved(request):
    return render(request, "personal/saved.html", {"saved": queries.reading_list(request.user)})


def atom(request, secret):
    profile = queries.profile_by_secret(secret)
    if profile is None:
        raise Http404
    return MemberFeed()(request, profile=profile)
