from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Webinar


def published() -> QuerySet[Webinar]:
    return Webinar.objects.filter(published=True).prefetch_related("themes", "partners")


def search(qs: QuerySet[Webinar], *, q: str = "", theme: str = "", entity: str = "") -> QuerySet[Webinar]:
    for word in q.split()[:10]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(speakers__icontains=word) | Q(commentary__icontains=word))
    if theme:
        qs = qs.filter(themes__slug=theme)
    if entity:
        qs = qs.filter(partners__slug=entity)
    return qs.distinct()


def recorded(qs: QuerySet[Webinar], now=None) -> QuerySet[Webinar]:
    return qs.filter(held_at__lt=now or timezone.now()).order_by("-held_at")


def upcoming(qs: QuerySet[Webinar], now=None) -> QuerySet[Webinar]:
    return qs.filter(held_at__gte=now or timezone.now()).order_by("held_at")
