"""API tokens an administrator issues, and the content version that keys the API's response cache."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "omv_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APIToken(models.Model):
    """A secret that lets an integrator call the write endpoints. Only its hash is stored."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who or what uses the token"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("acts as"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.key_hint}…)"

    def new_secret(self) -> str:
        """Give the token a fresh secret and return it; it is shown once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_hint = hash_token(raw), raw[:10]
        return raw

    @classmethod
    def issue(cls, *, name: str, user) -> tuple["APIToken", str]:
        token = cls(name=name, user=user)
        raw = token.new_secret()
        token.save()
        return token, raw


class ContentVersion(models.Model):
    """One row whose counter moves on every change to published content.

    The API keys its response cache and ETags on it, so a publish invalidates every cached answer
    at once, in every worker process, at the price of one primary-key read per request.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
