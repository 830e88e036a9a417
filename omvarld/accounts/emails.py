"""Mail from the product: every email has three templates, ``<name>_subject.txt``, ``<name>.txt``
and ``<name>.html``, rendered with the same context (in the recipient's language), and is written
to the outbox (``omvarld.outbox``) in the caller's transaction; workers send it."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from omvarld.outbox import actions as outbox


def render(template: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send(template: str, to: str, context: dict, *, language: str | None = None, ref: str = ""):
    """Queue the mail; it goes out shortly after the current transaction commits."""
    subject, text, html = render(template, context, language=language)
    return outbox.enqueue(to=to, subject=subject, text=text, html=html, kind=template.rsplit("/", 1)[-1], ref=ref)
