"""Signed tokens for the links in mails: confirm, manage, unsubscribe.

Each purpose has its own salt, so one kind of token never opens another kind of page. Confirm
tokens embed the time the confirmation was sent, so a used, superseded or expired link fails;
manage and unsubscribe tokens embed the subscriber's secret, so they die with an erased row.
"""

from django.core import signing

_CONFIRM = "omvarld.subscriptions.confirm"
_MANAGE = "omvarld.subscriptions.manage"
_UNSUBSCRIBE = "omvarld.subscriptions.unsubscribe"


class BadToken(Exception):
    """The token is forged, damaged, expired or already used."""


def confirm_token(subscriber) -> str:
    stamp = int(subscriber.confirmation_sent_at.timestamp() * 1000)
    return signing.dumps([subscriber.pk, stamp], salt=_CONFIRM, compress=False)


def read_confirm_token(token: str, *, max_age_seconds: int) -> tuple[int, int]:
    try:
        subscriber_id, stamp = signing.loads(token, salt=_CONFIRM, max_age=max_age_seconds)
        return int(subscriber_id), int(stamp)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None


def _personal_token(subscriber, salt: str) -> str:
    return signing.dumps([subscriber.pk, subscriber.secret], salt=salt, compress=False)


def _read_personal(token: str, salt: str) -> tuple[int, str]:
    try:
        subscriber_id, secret = signing.loads(token, salt=salt)
        return int(subscriber_id), str(secret)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None


def manage_token(subscriber) -> str:
    return _personal_token(subscriber, _MANAGE)


def read_manage_token(token: str) -> tuple[int, str]:
    return _read_personal(token, _MANAGE)


def unsubscribe_token(subscriber) -> str:
    return _personal_token(subscriber, _UNSUBSCRIBE)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    return _read_personal(token, _UNSUBSCRIBE)
