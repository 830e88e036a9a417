"""Reads of the outbox that several places share."""

import re

from django.db.models import Count

from omvarld.outbox.models import Message

LINK = re.compile(r"https?://[^\s<>\"')\]]+")


def counts() -> dict[str, int]:
    return dict(Message.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def last_status(ref: str) -> str | None:
    """The status of the newest mail with this reference, or None if there is none."""
    return Message.objects.filter(ref=ref).order_by("-created_at", "-id").values_list("status", flat=True).first()


def links(message: Message) -> list[str]:
    """The links of the text part, in order, each once (shown beside the mail for following)."""
    return list(dict.fromkeys(m.group(0).rstrip(".,;:") for m in LINK.finditer(message.text)))
