"""Parsing what visitors send: the subscribe form and the manage page's small forms."""

import re

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, MainCategory, Theme
from omvarld.subscriptions.actions import Target
from omvarld.subscriptions.models import Subscription

# Line breaks smuggle extra mail headers; no field of ours ever needs any control character.
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MAX_EMAIL = 254
TARGET_MODELS = {"entity": Entity, "theme": Theme, "category": MainCategory}


def no_control_characters(value: str) -> None:
    if CONTROL.search(value or ""):
        raise forms.ValidationError(_("Line breaks and control characters are not allowed."), code="control")


class SubscribeForm(forms.Form):
    email = forms.CharField(label=_("Email address"), strip=False, max_length=1000, validators=[no_control_characters])
    rhythm = forms.ChoiceField(label=_("How often"), choices=Subscription.Rhythm.choices, initial=Subscription.Rhythm.DAILY)
    target = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=200, validators=[no_control_characters])
    page = forms.CharField(widget=forms.HiddenInput, strip=False, required=False, max_length=300, validators=[no_control_characters])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if len(email) > MAX_EMAIL:
            raise forms.ValidationError(_("An email address has at most %(n)s characters.") % {"n": MAX_EMAIL}, code="too_long")
        try:
            EmailValidator()(email)
        except forms.ValidationError:
            raise forms.ValidationError(_("Enter a valid email address, like name@example.org."), code="invalid") from None
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}".lower()

    def clean_target(self) -> Target:
        return parse_target(self.cleaned_data["target"])

    def clean_page(self) -> str:
        page = self.cleaned_data.get("page") or ""
        # Only a path on this site is a meaningful consent page.
        return page if page.startswith("/") and not page.startswith("//") else ""


def parse_target(raw: str) -> Target:
    if raw == "everything":
        return Target("everything")
    kind, _sep, slug = raw.partition(":")
    model = TARGET_MODELS.get(kind)
    obj = model.objects.alive().filter(slug=slug).first() if model and slug else None
    if obj is None:
        raise forms.ValidationError(_("There is nothing to follow here."), code="target")
    return Target(kind, obj)


class RhythmForm(forms.Form):
    rhythm = forms.ChoiceField(label=_("How often"), choices=Subscription.Rhythm.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, erase my address and all my subscriptions"), required=True)
