"""The personal feed's recurring work, run by the worker (see omvarld/schedules.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from omvarld.personal import digest, pool, queries, ranking
from omvarld.personal.models import Candidate, Feedback, RankingModel

POOL_EVERY = dt.timedelta(minutes=5)
TRAIN_EVERY = dt.timedelta(hours=6)


def refresh_pool(*, now=None) -> int:
    return pool.build_pool(now=now)


def train_ranking(*, now=None) -> int:
    """Learn the ranking weights from the feedback log; returns how many samples it used."""
    samples = queries.training_samples()
    weights = ranking.train(samples)
    RankingModel.objects.create(samples=len(samples), weights=weights, created_at=now or timezone.now())
    RankingModel.objects.exclude(pk__in=RankingModel.objects.values_list("pk", flat=True)[:5]).delete()
    return len(samples)


def run_due(*, now=None) -> dict:
    """Rebuild the pool, retrain and send the weekly mail when each is due."""
    now = now or timezone.now()
    done = {}
    built = Candidate.objects.aggregate(at=Max("built_at"))["at"]
    if built is None or now - built >= POOL_EVERY:
        done["pool"] = refresh_pool(now=now)
    trained = RankingModel.objects.values_list("created_at", flat=True).first()
    if (trained is None or now - trained >= TRAIN_EVERY) and Feedback.objects.exists():
        done["trained"] = train_ranking(now=now)
    done["for_you"] = digest.send_for_you(now=now)
    return done
