"""Writes about users: sign-in links, sign-in attempts, invitations and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from omvarld.accounts import emails
from omvarld.accounts.models import SignInAttempt, SignInLink
from omvarld.accounts.roles import MANAGE_USERS, assign_role, can

User = get_user_model()

# Guessing is slowed per (address, user name) and, more loosely, per user name from anywhere. No
# limit is per address alone: failures with made-up names from an office's shared address must not
# lock its real users out (#18). Counting is by the same normalised name that authenticates.
WINDOW = dt.timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_name(username: str) -> str:
    """The user name as sign-in compares it (NFKC, no surrounding space), case-folded for counting."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:254]


def is_rate_limited(*, kind: str, username: str, ip: str | None, now=None) -> bool:
    now = now or timezone.now()
    name = normalise_name(username)
    recent = SignInAttempt.objects.filter(kind=kind, succeeded=False, at__gte=now - WINDOW, username=name)
    if ip and recent.filter(ip=ip).count() >= settings.SIGNIN_MAX_FAILURES:
        return True
    return recent.count() >= settings.SIGNIN_MAX_ACCOUNT_FAILURES


def record_attempt(*, kind: str, username: str, ip: str | None, succeeded: bool) -> None:
    SignInAttempt.objects.create(kind=kind, username=normalise_name(username), ip=ip or None, succeeded=succeeded)
    # Old attempts say nothing about guessing now; keep the table small.
    SignInAttempt.objects.filter(at__lt=timezone.now() - WINDOW * 8).delete()


def create_signin_link(*, user, valid_for: dt.timedelta) -> str:
    """A new one-time link for ``user``; returns its absolute URL (the token is not stored)."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(user=user, token_hash=_hash(token), expires_at=timezone.now() + valid_for)
    return settings.SITE_URL + reverse("accounts:link-signin", args=[token])


def send_signin_link(*, email: str, ip: str | None, language: str | None = None) -> None:
    """Email a sign-in link to the active user with this address, if there is one.

    The caller tells every visitor the same thing, whether or not the address is known, so the
    form cannot be used to find out who has an account. Each request counts as an attempt, so
    the form cannot be used to flood someone's inbox either.
    """
    email = email.strip()
    record_attempt(kind=SignInAttempt.Kind.LINK, username=email, ip=ip, succeeded=False)
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("id").first()
    if user is None:
        return
    minutes = settings.SIGNIN_LINK_MINUTES
    with transaction.atomic():  # the link and its mail exist together or not at all
        url = create_signin_link(user=user, valid_for=dt.timedelta(minutes=minutes))
        emails.send("accounts/emails/signin_link", user.email, {"user": user, "url": url, "minutes": minutes}, language=language)


def use_signin_link(*, token: str):
    """The user the link signs in, marking it used; None if unknown, used or expired.

    The conditional UPDATE lets exactly one of two simultaneous clicks win.
    """
    now = timezone.now()
    link = SignInLink.objects.filter(token_hash=_hash(token)).select_related("user").first()
    if link is None or not link.user.is_active:
        return None
    won = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    return link.user if won == 1 else None


def signin_link_state(*, token: str) -> str:
    """'valid', 'used', 'expired' or 'unknown' (shown before the user confirms)."""
    link = SignInLink.objects.filter(token_hash=_hash(token)).first()
    if link is None:
        return "unknown"
    if link.used_at:
        return "used"
    return "expired" if link.expires_at <= timezone.now() else "valid"


def invite_user(*, actor, email: str, name: str, role: str, language: str | None = None):
    """Create an account with no password and queue a mail with a sign-in link to its owner."""
    if not can(actor, MANAGE_USERS):
        raise PermissionError("only administrators invite users")
    with transaction.atomic():
        first, _, last = name.strip().partition(" ")
        user = User(username=_free_username(email), email=email.strip(), first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
        assign_role(user, role)
        days = settings.INVITE_DAYS
        url = create_signin_link(user=user, valid_for=dt.timedelta(days=days))
        context = {"user": user, "url": url, "days": days, "inviter": actor, "role": role}
        emails.send("accounts/emails/invitation", user.email, context, language=language)
    return user


def _free_username(email: str) -> str:
    base = email.strip().split("@")[0][:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def set_role(*, actor, user, role: str) -> None:
    if not can(actor, MANAGE_USERS):
        raise PermissionError("only administrators set roles")
    assign_role(user, role)


def set_active(*, actor, user, active: bool) -> None:
    if not can(actor, MANAGE_USERS):
        raise PermissionError("only administrators block users")
    user.is_active = active
    user.save(update_fields=["is_active"])
