"""Sign-in by password or emailed link, and the administrators' user management (MISSION X2)."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omvarld.accounts import actions
from omvarld.accounts.forms import InviteForm, LinkRequestForm, RoleForm
from omvarld.accounts.models import SignInAttempt
from omvarld.accounts.roles import MANAGE_USERS, ROLE_LABELS, get_for_user, require, role_of
from omvarld.lib.client import client_ip

User = get_user_model()


def _ip(request) -> str | None:
    return client_ip(request) or None


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def signin(request):
    form = AuthenticationForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")[:254]
        if actions.is_rate_limited(kind=SignInAttempt.Kind.PASSWORD, username=username, ip=_ip(request)):
            form = AuthenticationForm(request)  # do not even try the password
            form.initial["username"] = username
            messages.error(request, _("Too many failed attempts. Wait a quarter of an hour, or sign in with a link sent by email."))
            status = 429
        else:
            ok = form.is_valid()
            actions.record_attempt(kind=SignInAttempt.Kind.PASSWORD, username=username, ip=_ip(request), succeeded=ok)
            if ok:
                login(request, form.get_user())
                return redirect(_next_url(request))
            status = 400
    return render(request, "accounts/signin.html", {"form": form, "next": _next_url(request)}, status=status)


def link_request(request):
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if actions.is_rate_limited(kind=SignInAttempt.Kind.LINK, username=email, ip=_ip(request)):
            form.add_error("email", _("Too many links asked for. Wait a quarter of an hour and try again."))
            return render(request, "accounts/link_request.html", {"form": form}, status=429)
        actions.send_signin_link(email=email, ip=_ip(request), language=get_language())
        return render(request, "accounts/link_sent.html", {"email": email})
    return render(request, "accounts/link_request.html", {"form": form}, status=400 if form.errors else 200)


def link_signin(request, token):
    """GET explains and asks for a click; only the POST uses the link.

    Mail scanners and link previews fetch URLs in emails; if a GET signed in, they would use up
    the one-time link before its owner could.
    """
    if request.method == "POST":
        user = actions.use_signin_link(token=token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("You are signed in."))
            return redirect("/")
    state = actions.signin_link_state(token=token)
    return render(request, "accounts/link_signin.html", {"state": state}, status=200 if state == "valid" else 410)


@require(MANAGE_USERS)
def user_list(request):
    users = list(User.objects.order_by("username").prefetch_related("groups"))
    for u in users:
        u.role = role_of(u) or ""
        u.role_label = ROLE_LABELS.get(u.role, _("No role"))
    return render(request, "accounts/users.html", {"users": users, "role_form": RoleForm()})


@require(MANAGE_USERS)
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.invite_user(actor=request.user, language=get_language(), **form.cleaned_data)
        messages.success(request, _("The account is created; the invitation to %(email)s will be sent shortly.") % {"email": user.email})
        return redirect("accounts:users")
    return render(request, "accounts/invite.html", {"form": form}, status=400 if form.errors else 200)


@require(MANAGE_USERS)
@require_POST
def set_role(request, pk):
    user = get_for_user(request.user, User.objects.all(), MANAGE_USERS, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        actions.set_role(actor=request.user, user=user, role=form.cleaned_data["role"])
        messages.success(request, _("%(user)s is now %(role)s.") % {"user": user.get_username(), "role": ROLE_LABELS[form.cleaned_data["role"]]})
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("accounts:users")


@require(MANAGE_USERS)
@require_POST
def set_active(request, pk):
    user = get_for_user(request.user, User.objects.all(), MANAGE_USERS, pk=pk)
    if user.pk == request.user.pk:
        messages.error(request, _("You cannot block yourself."))
    else:
        actions.set_active(actor=request.user, user=user, active=request.POST.get("active") == "1")
    return redirect("accounts:users")
