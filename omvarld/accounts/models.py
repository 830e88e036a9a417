"""Sign-in links and sign-in attempts (MISSION X2): what is needed to sign in without a password
and to slow down guessing."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInLink(models.Model):
    """A one-time sign-in link sent by email.

    Only a hash of the token is stored, so a copy of the database cannot be used to sign in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")


class SignInAttempt(models.Model):
    """One sign-in try, kept for a while to limit how fast anyone can guess."""

    class Kind(models.TextChoices):
        PASSWORD = "password", _("password")
        LINK = "link", _("sign-in link")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    username = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
