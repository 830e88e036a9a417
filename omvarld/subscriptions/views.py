"""Thin views: parse, call one action or query, render."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omvarld.lib import client as lib_client
from omvarld.subscriptions import actions, bounces, queries, tokens
from omvarld.subscriptions.forms import EraseForm, LanguageForm, RhythmForm, SubscribeForm


def _subscriber_or_404(token: str, *, unsubscribe: bool = False):
    """Look up by token and authorise in one step, so no view can forget the check."""
    sub = queries.subscriber_by_token(token, unsubscribe=unsubscribe)
    if sub is None:
        raise Http404(_("This link is not valid. Use the link in your latest mail from us."))
    return sub


def _language() -> str:
    lang = (get_language() or "sv")[:2]
    return lang if lang in dict(settings.LANGUAGES) else "sv"


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        form = SubscribeForm(initial={"target": request.GET.get("target", "everything")[:200], "page": request.GET.get("page", "")[:300]})
        return render(request, "subscriptions/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "subscriptions/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        actions.request_subscription(
            email=data["email"], target=data["target"], rhythm=data["rhythm"], language=_language(),
            page=data["page"] or request.path, client_ip=lib_client.client_ip(request),
        )
    except actions.Refused as refused:
        return render(request, "subscriptions/subscribe.html", {"form": form, "refused": refused.message}, status=refused.status)
    return render(request, "subscriptions/check_inbox.html", {"email": data["email"]})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # A GET only shows a button: mail scanners that open every link must not confirm for anyone.
    if request.method == "GET":
        return render(request, "subscriptions/confirm.html", {"token": token})
    try:
        sub = actions.confirm_subscription(token=token)
    except actions.Refused as refused:
        return render(request, "subscriptions/refused.html", {"message": refused.message}, status=refused.status)
    messages.success(request, _("Thank you! Your subscription is confirmed."))
    return redirect("subscriptions:manage", token=tokens.manage_token(sub))


@never_cache
@require_GET
def manage(request, token):
    sub = _subscriber_or_404(token)
    return render(request, "subscriptions/manage.html", _manage_context(sub, token))


def _manage_context(sub, token) -> dict:
    return {
        "subscriber": sub,
        "token": token,
        "subscriptions": queries.subscriptions_of(sub),
        "rhythms": RhythmForm.base_fields["rhythm"].choices,
        "languages": settings.LANGUAGES,
        "erase_form": EraseForm(),
        "unsubscribe_token": tokens.unsubscribe_token(sub),
    }


@require_POST
def change_rhythm(request, token, pk):
    sub = _subscriber_or_404(token)
    form = RhythmForm(request.POST)
    if not form.is_valid() or not sub.subscriptions.filter(pk=pk).exists():
        messages.error(request, _("That change could not be made."))
    else:
        actions.change_rhythm(subscriber=sub, subscription_id=pk, rhythm=form.cleaned_data["rhythm"])
        messages.success(request, _("Saved."))
    return redirect("subscriptions:manage", token=token)


@require_POST
def remove(request, token, pk):
    sub = _subscriber_or_404(token)
    actions.remove_subscription(subscriber=sub, subscription_id=pk)
    messages.success(request, _("The subscription was removed."))
    return redirect("subscriptions:manage", token=token)


@require_POST
def change_language(request, token):
    sub = _subscriber_or_404(token)
    form = LanguageForm(request.POST)
    if form.is_valid():
        actions.change_language(subscriber=sub, language=form.cleaned_data["language"])
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("That change could not be made."))
    return redirect("subscriptions:manage", token=token)


@never_cache
@require_GET
def export(request, token):
    sub = _subscriber_or_404(token)
    response = JsonResponse(queries.export_data(sub), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-subscriptions.json"'
    return response


@require_POST
def erase(request, token):
    sub = _subscriber_or_404(token)
    form = EraseForm(request.POST)
    if not form.is_valid():
        context = _manage_context(sub, token) | {"erase_form": form}
        return render(request, "subscriptions/manage.html", context, status=400)
    actions.erase_subscriber(subscriber=sub)
    return render(request, "subscriptions/erased.html")


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST here without any page, cookie or token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    sub = _subscriber_or_404(token, unsubscribe=True)
    if request.method == "GET":
        return render(request, "subscriptions/unsubscribe.html", {"subscriber": sub, "token": token})
    stopped = actions.unsubscribe(subscriber=sub)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)
    message = _("You will get no more mail from us.") if stopped else _("This address was already unsubscribed; nothing changed.")
    return render(request, "subscriptions/unsubscribed.html", {"message": message})


@login_required
@require_GET
def mine(request):
    sub = queries.subscriber_for_member(request.user)
    if sub is None:
        form = SubscribeForm(initial={"email": request.user.email, "target": "everything", "page": request.path})
        return render(request, "subscriptions/mine.html", {"form": form})
    actions.link_member(subscriber=sub, user=request.user)
    return render(request, "subscriptions/manage.html", _manage_context(sub, tokens.manage_token(sub)) | {"member": True})


@csrf_exempt  # a machine endpoint, authorised by its bearer token
@require_POST
def bounce_report(request):
    expected = settings.SUBSCRIPTIONS_BOUNCE_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "unauthorised"}, status=401)
    if len(request.body) > 1_000_000:
        return JsonResponse({"error": "too large"}, status=413)
    reports = bounces.parse_report(request.body)
    return JsonResponse({"stopped": actions.stop_addresses(reports=reports), "addresses": len(reports)})
