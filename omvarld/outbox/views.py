"""The administrators' outbox: what is queued, sent, failed or kept here, each mail readable."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from omvarld.accounts.roles import MANAGE_USERS, require
from omvarld.outbox import actions, queries
from omvarld.outbox.models import Message


@require(MANAGE_USERS)
def outbox(request):
    status = request.GET.get("status", "")
    rows = Message.objects.all()
    if status in Message.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    counts = queries.counts()
    page = Paginator(rows.defer("text", "html", "headers"), 50).get_page(request.GET.get("page"))
    return render(request, "outbox/list.html", {
        "page": page, "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Message.Status.choices],
        "server": actions.mail_server_configured(),
    })


@require(MANAGE_USERS)
def message(request, pk: int):
    msg = get_object_or_404(Message, pk=pk)
    return render(request, "outbox/message.html", {"msg": msg, "links": queries.links(msg), "server": actions.mail_server_configured()})


@require(MANAGE_USERS)
@xframe_options_sameorigin
def message_html(request, pk: int):
    """The mail's HTML part on its own, for the frame on the mail's page; nothing in it runs."""
    msg = get_object_or_404(Message, pk=pk)
    response = HttpResponse(msg.html or "", content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require(MANAGE_USERS)
@require_POST
def retry(request, pk: int):
    msg = get_object_or_404(Message, pk=pk)
    if actions.retry_now(user=request.user, message=msg):
        messages.success(request, _("The mail will be sent again shortly."))
    else:
        messages.error(request, _("Only queued or failed mail can be sent again."))
    return redirect("outbox:message", pk=msg.pk)
