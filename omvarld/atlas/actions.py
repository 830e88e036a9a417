"""Writes from the graph view: an editor adds a relation between two entries."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from omvarld.accounts.roles import REVIEW, can
from omvarld.core.models import Entity, EntityRelation


@transaction.atomic
def add_relation(*, user, source: Entity, kind: str, target: Entity, note: str = "") -> EntityRelation:
    """Create the relation and record it in the source entity's revision history."""
    from omvarld.editorial import revisions

    if not can(user, REVIEW):
        raise PermissionDenied
    with revisions.recording(user=user, comment=f"relation {kind} {target.slug}"):
        relation = EntityRelation.objects.create(source=source, kind=kind, target=target, note=note)
    return relation
