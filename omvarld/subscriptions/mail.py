"""Rendering and building the mails: three templates per mail (subject, text, HTML).

Everything a template shows is loaded before rendering, so templates never query the database.
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from omvarld.subscriptions import tokens


@dataclass(frozen=True)
class Site:
    """What mails need to know about the site, passed in rather than read deep down."""

    url: str
    name: str
    from_email: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "localhost"

    def absolute(self, path: str) -> str:
        return self.url + path


def render_mail(name: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"subscriptions/emails/{name}-subject.txt", context)
        text = render_to_string(f"subscriptions/emails/{name}-body.txt", context)
        html = render_to_string(f"subscriptions/emails/{name}-body.html", context)
    # A subject is one line whatever the template or the data put in it.
    return " ".join(subject.split()), text, html


def personal_links(subscriber, site: Site) -> dict[str, str]:
    return {
        "manage_url": site.absolute(reverse("subscriptions:manage", args=[tokens.manage_token(subscriber)])),
        "unsubscribe_url": site.absolute(reverse("subscriptions:unsubscribe", args=[tokens.unsubscribe_token(subscriber)])),
    }


class ListMessage(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # Folded at 78 characters, a List-Unsubscribe header holding a long signed URL becomes an
        # RFC 2047 encoded word, which mail programs do not read as a URL. RFC 5322 allows 998.
        return super().message(policy=policy.clone(max_line_length=998))


def make_message(*, to: str, subject: str, text: str, html: str, site: Site, message_id: str, links: dict | None = None) -> EmailMultiAlternatives:
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    if links:
        # RFC 8058: mail programs show an unsubscribe button that POSTs
        # "List-Unsubscribe=One-Click" to this address, with no page in between.
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["List-Id"] = f"{site.name} <updates.{site.host}>"
    msg = ListMessage(subject=subject, body=text, from_email=site.from_email, to=[to], headers=headers)
    msg.attach_alternative(html, "text/html")
    return msg
