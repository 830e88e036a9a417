"""Parsing of the map's and the graph's parameters, and the editors' relation form.

Unknown values give a message and a 400 answer rather than a silently different picture.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omvarld.atlas.queries import MAX_DEPTH, GraphFilters, MapFilters
from omvarld.core.models import Entity, EntityRelation, MainCategory, Region, Theme

MAX_DAYS = 3650
MAX_QUERY = 100


def _slug(params, name, model, filters, label_field="slug", extra=None):
    value = params.get(name, "").strip()[:120]
    if not value:
        return ""
    qs = model.objects.all() if extra is None else extra
    if not qs.filter(**{label_field: value}).exists():
        filters.errors[name] = _("Unknown value: %(value)s.") % {"value": value}
        return ""
    return value


def parse_map_filters(params) -> MapFilters:
    f = MapFilters(days=settings.NEW_DAYS)
    f.theme = _slug(params, "theme", Theme, f, extra=Theme.objects.alive())
    f.category = _slug(params, "category", MainCategory, f, extra=MainCategory.objects.alive())
    f.region = _slug(params, "region", Region, f)
    raw = params.get("days", "").strip()
    if raw:
        try:
            days = int(raw)
            if not 1 <= days <= MAX_DAYS:
                raise ValueError
            f.days = days
        except ValueError:
            f.errors["days"] = _("Give the number of days as a whole number from 1 to %(max)d.") % {"max": MAX_DAYS}
    f.new_only = params.get("new", "") in ("1", "on", "true")
    f.events = params.get("events", "") in ("1", "on", "true")
    return f


def parse_graph_filters(params) -> GraphFilters:
    f = GraphFilters()
    f.focus = _slug(params, "focus", Entity, f, extra=Entity.objects.alive())
    f.category = _slug(params, "category", MainCategory, f, extra=MainCategory.objects.alive())
    f.theme = _slug(params, "theme", Theme, f, extra=Theme.objects.alive())
    kinds = [k for k in params.getlist("kind") if k]
    unknown = [k for k in kinds if k not in EntityRelation.Kind.values]
    if unknown:
        f.errors["kind"] = _("Unknown relation type: %(value)s.") % {"value": unknown[0][:60]}
    f.kinds = [k for k in kinds if k in EntityRelation.Kind.values]
    raw = params.get("depth", "").strip()
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= MAX_DEPTH:
            f.depth = int(raw)
        else:
            f.errors["depth"] = _("Give 1 or 2 steps.")
    q = params.get("q", "")
    if len(q) > MAX_QUERY:
        f.errors["q"] = _("The search text is too long (at most %(n)d characters).") % {"n": MAX_QUERY}
    f.q = q[:MAX_QUERY].strip()
    return f


class EntityField(forms.CharField):
    """An entity given by its slug or its exact name in either language."""

    default_error_messages = {"unknown": gettext_lazy("No entry on the map has this name or identifier.")}

    def clean(self, value):
        value = super().clean(value).strip()
        alive = Entity.objects.alive()
        match = alive.filter(slug=value).first() or alive.filter(name_sv__iexact=value).first() or alive.filter(name_en__iexact=value).first()
        if match is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return match


class RelationForm(forms.Form):
    source = EntityField(label=gettext_lazy("From"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Relation"), choices=EntityRelation.Kind.choices)
    target = EntityField(label=gettext_lazy("To"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        source, target = data.get("source"), data.get("target")
        if source and target:
            if source.pk == target.pk:
                raise forms.ValidationError(_("An entry cannot be related to itself."))
            if EntityRelation.objects.filter(source=source, kind=data.get("kind"), target=target).exists():
                raise forms.ValidationError(_("This relation is already on the map."))
        return data
