"""Reading bounce (RFC 3464 delivery status) and complaint (RFC 5965 feedback) reports.

Only permanent failures (status 5.x.x, action "failed") stop an address; a full mailbox or a
greylisting delay does not.
"""

import email
import email.policy
import re

from omvarld.subscriptions.models import Subscriber

_ADDRESS = re.compile(r"[^\s<>;:\"']+@[^\s<>;:\"']+")


def _address(value: str) -> str | None:
    # "rfc822; someone@example.org" or "<someone@example.org>"
    found = _ADDRESS.search(value or "")
    return found.group(0).strip(".").lower() if found else None


def _status_groups(part) -> list:
    """The per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload[1:]  # the first group describes the reporting server
    text = payload if isinstance(payload, str) else ""
    blocks = [b for b in re.split(r"\r?\n\s*\r?\n", text.strip()) if b.strip()]
    return [email.message_from_string(b, policy=email.policy.default) for b in blocks[1:]]


def parse_report(raw: bytes) -> list[tuple[str, str]]:
    """(address, reason) pairs to stop, from one raw report message."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    found: list[tuple[str, str]] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for group in _status_groups(part):
                status, action = str(group.get("Status", "")), str(group.get("Action", "")).lower()
                addr = _address(str(group.get("Original-Recipient", "") or group.get("Final-Recipient", "")))
                if addr and status.startswith("5") and action == "failed":
                    found.append((addr, Subscriber.StopReason.BOUNCED))
        elif ctype == "message/feedback-report":
            fields = email.message_from_string(part.get_payload() if isinstance(part.get_payload(), str) else part.get_payload()[0].as_string())
            addr = _address(str(fields.get("Original-Rcpt-To", "")))
            if addr:
                found.append((addr, Subscriber.StopReason.COMPLAINED))
    return list(dict.fromkeys(found))
