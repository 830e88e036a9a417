"""Every write of the outbox: queue a mail, send what is due, retry, give up.

Callers queue mail with :func:`enqueue` inside their own transaction, so a mail exists exactly
when the change that caused it was committed. Workers send it (:func:`deliver`), claiming each row
with a conditional UPDATE so that several workers on one database never send the same mail;
a temporary failure puts the row back with a growing pause, for ``MAIL_RETRY_HOURS``, after which
it is marked failed with the reason. No web request ever talks to the mail server.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import smtplib
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from omvarld.outbox.models import Message
from omvarld.outbox.pacing import DomainPacer
from omvarld.outbox.signals import mail_failed, mail_sent

log = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Pause before the 1st, 2nd, ... retry; the last one repeats until the retry window closes.
BACKOFF_SECONDS = [60, 300, 900, 1800, 3600, 7200, 14400]

PERMANENT, TEMPORARY, BROKEN = "permanent", "temporary", "broken"

_pacer: DomainPacer | None = None


def mail_server_configured() -> bool:
    """False when the SMTP backend has no host (EMAIL_HOST unset): mail is then kept here."""
    config = settings.MAILERS["default"]
    if config.get("BACKEND") == SMTP_BACKEND:
        return bool((config.get("OPTIONS") or {}).get("host"))
    return True


def enqueue(*, to: str, subject: str, text: str, html: str = "", kind: str = "", ref: str = "",
            headers: dict | None = None, message_id: str | None = None, from_email: str | None = None,
            notify: bool = True) -> Message:
    """Write one mail to the outbox (in the caller's transaction) and wake a worker on commit.

    With ``notify=False`` the caller wakes the workers itself (see :func:`wake`), e.g. once for
    a whole batch.
    """
    to = to.strip()
    if not to or "@" not in to or "\n" in to or "\r" in to:
        raise ValueError("not a mail address")
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = Message.objects.create(
        to=to, from_email=from_email or settings.DEFAULT_FROM_EMAIL, subject=" ".join(subject.split())[:300],
        text=text, html=html, headers=dict(headers or {}),
        message_id=message_id or f"<outbox-{uuid.uuid4().hex}@{host}>", kind=kind[:100], ref=ref[:100],
        status=Message.Status.QUEUED if mail_server_configured() else Message.Status.HELD,
    )
    if notify and message.status == Message.Status.QUEUED:
        wake([message.pk])
    return message


def wake(ids: list[int]) -> None:
    """After the current transaction commits, queue a task that sends these mails."""
    if not ids or not mail_server_configured():
        return

    def enqueue_task():
        from omvarld.outbox.tasks import deliver_task

        try:
            deliver_task.enqueue(list(ids))
        except Exception:  # the periodic sweep sends it anyway; never fail the caller
            log.exception("could not queue the sending of %d mails", len(ids))

    transaction.on_commit(enqueue_task, robust=True)


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    aborted: bool = False


def due(now=None):
    """Rows a worker may claim now: queued and due, or claimed by a worker whose lease ran out."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.MAIL_SEND_LEASE)
    return Message.objects.filter(
        Q(status=Message.Status.QUEUED, next_attempt_at__lte=now) | Q(status=Message.Status.SENDING, claimed_at__lt=stale)
    )


def _claim(pk: int, *, now) -> bool:
    won = due(now).filter(pk=pk).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return won == 1


def _finish(pk: int, claim, **fields) -> bool:
    """Record the outcome, only if the row is still ours (claimed at the time we claimed it)."""
    return Message.objects.filter(pk=pk, status=Message.Status.SENDING, claimed_at=claim).update(**fields) == 1


def deliver(*, ids: list[int] | None = None, limit: int = 500, now=timezone.now) -> Report:
    """Send the due mail (or only these ids, if due), at most ``limit``; stops when the server is down."""
    report = Report()
    if not mail_server_configured():
        return report
    global _pacer
    if _pacer is None:
        _pacer = DomainPacer(settings.MAIL_DOMAIN_RATE)
    connection = mailers.default
    try:
        handled = 0
        while handled < limit:
            rows = due(now())
            if ids is not None:
                rows = rows.filter(pk__in=ids)
            batch = list(rows.order_by("next_attempt_at", "id").values_list("id", flat=True)[: min(100, limit - handled)])
            if not batch:
                break
            for pk in batch:
                claimed_at = now()
                if not _claim(pk, now=claimed_at):
                    continue  # another worker has it
                handled += 1
                message = Message.objects.get(pk=pk)
                _pacer.wait(message.domain)
                outcome, reason = _send_one(connection, build(message))
                _record(message, claimed_at, outcome, reason, report, now())
                if outcome == BROKEN:
                    report.aborted = True
                    return report
    finally:
        _close(connection)
    return report


def _record(message: Message, claimed_at, outcome: str | None, reason: str, report: Report, now) -> None:
    attempts = message.attempts
    if outcome is None:
        if _finish(message.pk, claimed_at, status=Message.Status.SENT, sent_at=now, last_error="", claimed_at=None):
            report.sent += 1
            message.status, message.sent_at = Message.Status.SENT, now
            mail_sent.send(sender=Message, message=message)
        return
    deadline = message.created_at + dt.timedelta(hours=settings.MAIL_RETRY_HOURS)
    if outcome == PERMANENT or now >= deadline:
        if outcome != PERMANENT:
            reason = f"gave up after {attempts} attempts over {settings.MAIL_RETRY_HOURS} hours: {reason}"
        if _finish(message.pk, claimed_at, status=Message.Status.FAILED, last_error=reason[:500], claimed_at=None):
            report.failed += 1
            message.status, message.last_error = Message.Status.FAILED, reason[:500]
            mail_failed.send(sender=Message, message=message, permanent=outcome == PERMANENT)
        return
    pause = dt.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])
    if _finish(message.pk, claimed_at, status=Message.Status.QUEUED, next_attempt_at=min(now + pause, deadline),
               last_error=reason[:500], claimed_at=None):
        report.retrying += 1


class OutgoingEmail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # Folded at 78 characters, a List-Unsubscribe header holding a long signed URL becomes an
        # RFC 2047 encoded word, which mail programs do not read as a URL. RFC 5322 allows 998.
        return super().message(policy=policy.clone(max_line_length=998))


def build(message: Message) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id, "Auto-Submitted": "auto-generated", **message.headers}
    mail = OutgoingEmail(subject=message.subject, body=message.text, from_email=message.from_email, to=[message.to], headers=headers)
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    return mail


def _send_one(connection, mail) -> tuple[str | None, str]:
    """(None, "") when the server accepted the mail, else (PERMANENT, TEMPORARY or BROKEN, reason)."""
    try:
        connection.open()  # keeps the connection open across the batch; no-op when already open
        connection.send_messages([mail])
        return None, ""
    except smtplib.SMTPRecipientsRefused as exc:
        answers = list(exc.recipients.values())
        codes = [code for code, _text in answers]
        reason = "; ".join(f"{code} {_decode(text)}" for code, text in answers)
        log.warning("recipient refused: %s", codes)
        _close(connection)
        return (PERMANENT if codes and all(c >= 500 for c in codes) else TEMPORARY), reason
    except smtplib.SMTPResponseException as exc:
        log.warning("SMTP error %s", exc.smtp_code)
        _close(connection)
        return (PERMANENT if exc.smtp_code >= 500 else TEMPORARY), f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("SMTP connection failed: %s", exc)
        _close(connection)
        return BROKEN, f"mail server unreachable: {exc}"


def _decode(text) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _close(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        log.info("closing a broken SMTP connection failed; it will be reopened")


def retry_now(*, user, message: Message) -> bool:
    """An administrator's "retry now": a queued or failed mail becomes due at once."""
    from omvarld.accounts.roles import MANAGE_USERS, can

    if not can(user, MANAGE_USERS):
        raise PermissionError("only administrators retry mail")
    updated = Message.objects.filter(pk=message.pk, status__in=[Message.Status.QUEUED, Message.Status.FAILED]).update(
        status=Message.Status.QUEUED, next_attempt_at=timezone.now(), claimed_at=None
    )
    if updated:
        wake([message.pk])
    return bool(updated)


def cancel(*, ref: str, reason: str) -> int:
    """Stop mail with this reference that has not gone out yet (e.g. a replaced confirmation)."""
    return Message.objects.filter(ref=ref, status__in=[Message.Status.QUEUED, Message.Status.HELD]).update(
        status=Message.Status.FAILED, last_error=reason[:500]
    )


def wake_due() -> int:
    """The periodic sweep: queue one sending task when mail is due (retries, lost wake-ups)."""
    if not mail_server_configured() or not due().exists():
        return 0
    from omvarld.outbox.tasks import deliver_due_task

    deliver_due_task.enqueue()
    return 1
