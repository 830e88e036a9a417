"""Fixed-window counters in the database, shared by every web process.

Keys are HMACs of the address or client IP, so the counters store neither.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from omvarld.subscriptions.models import Throttle


def key_for(scope: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def count(key: str, *, window_seconds: int, now: dt.datetime) -> int:
    start = _window_start(now, window_seconds)
    return Throttle.objects.filter(key=key, window_start=start).aggregate(n=Sum("hits"))["n"] or 0


def record(key: str, *, window_seconds: int, now: dt.datetime) -> int:
    """Count one hit and return the window's total so far."""
    start = _window_start(now, window_seconds)
    if not Throttle.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1):
        try:
            with transaction.atomic():
                Throttle.objects.create(key=key, window_start=start, hits=1)
        except IntegrityError:  # another request created the window first
            Throttle.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
    return count(key, window_seconds=window_seconds, now=now)


def prune(*, older_than: dt.datetime) -> int:
    return Throttle.objects.filter(window_start__lt=older_than).delete()[0]
