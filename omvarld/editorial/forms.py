"""The suggestion templates partners fill in, and the forms editors use on items and entities."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, InfoCategory, Item, MainCategory, Region, Theme
from omvarld.editorial.models import Suggestion

LANGUAGE_CHOICES = [("sv", _("Swedish")), ("en", _("English")), ("de", _("German")), ("fr", _("French")), ("other", _("Other"))]
TEXT = forms.Textarea(attrs={"rows": 4})


def _entities():
    return Entity.objects.alive().order_by("name_sv")


class EntityChoices(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=_entities(), required=False, label=_("Entities it concerns"), **kwargs)


class SuggestionForm(forms.Form):
    """A suggestion template: its fields are what the board needs for that kind of suggestion."""

    kind: str
    title_field: str

    def suggestion_title(self) -> str:
        return str(self.cleaned_data[self.title_field])[:300]

    def answers(self) -> dict:
        """The cleaned answers as JSON: records by id, dates as ISO strings."""
        out = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "values_list"):
                value = sorted(value.values_list("pk", flat=True))
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        return out


class NewItemSuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.NEW_ITEM
    title_field = "title"
    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=[c for c in Item.Type.choices if c[0] != Item.Type.TRIP_REPORT])
    url = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    source_name = forms.CharField(label=_("Source"), max_length=200, required=False, help_text=_("Who published it"))
    language = forms.ChoiceField(label=_("Language of the material"), choices=LANGUAGE_CHOICES, initial="en")
    published_on = forms.DateField(label=_("Date"), required=False, help_text=_("YYYY-MM-DD"))
    summary = forms.CharField(label=_("Summary"), widget=TEXT, max_length=5000, help_text=_("What it is, in a few sentences"))
    note = forms.CharField(label=_("Why it matters to Swedish cities"), widget=TEXT, max_length=5000, required=False)
    entities = EntityChoices()


class ItemUpdateSuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.ITEM_UPDATE
    title_field = "item"
    item = forms.ModelChoiceField(label=_("Item to update"), queryset=Item.objects.alive().filter(status=Item.Status.PUBLISHED).order_by("title"))
    changes = forms.CharField(label=_("What should change, and why"), widget=TEXT, max_length=5000)
    url = forms.URLField(label=_("New or better link"), max_length=1000, required=False, assume_scheme="https")


class NewEntitySuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.NEW_ENTITY
    title_field = "name"
    name = forms.CharField(label=_("Name"), max_length=200)
    main_category = forms.ModelChoiceField(label=_("Kind of entity"), queryset=MainCategory.objects.alive())
    country = forms.CharField(label=_("Country"), max_length=2, required=False, help_text=_("Two-letter code, e.g. NL"))
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    why = forms.CharField(label=_("Why it should be watched"), widget=TEXT, max_length=5000)

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError(_("Enter a two-letter country code, e.g. NL."))
        return value


class TripReportSuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.TRIP_REPORT
    title_field = "event_title"
    event_title = forms.CharField(label=_("Event or trip"), max_length=300)
    event = forms.ModelChoiceField(
        label=_("Event on the map"), required=False,
        queryset=Item.objects.alive().filter(type=Item.Type.EVENT).order_by("-starts_on", "title"),
        help_text=_("If the event is already on the map"),
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("From"), help_text=_("YYYY-MM-DD"))
    ends_on = forms.DateField(label=_("To"), required=False, help_text=_("YYYY-MM-DD"))
    participants = forms.CharField(label=_("Who went"), widget=TEXT, max_length=3000)
    learned = forms.CharField(label=_("What we learned"), widget=TEXT, max_length=10000)
    contacts = forms.CharField(label=_("Contacts made"), widget=TEXT, max_length=5000, required=False)
    opportunities = forms.CharField(label=_("Collaboration opportunities"), widget=TEXT, max_length=5000, required=False)
    url = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    entities = EntityChoices()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data


TEMPLATES: dict[str, type[SuggestionForm]] = {
    f.kind: f for f in (NewItemSuggestionForm, ItemUpdateSuggestionForm, NewEntitySuggestionForm, TripReportSuggestionForm)
}


# ---------------------------------------------------------------------------------------------
# Editors' forms


def placement_choices():
    """Entity × information category, grouped by entity, as "entity_id:info_category_id"."""
    cats: dict[int, list[InfoCategory]] = {}
    for ic in InfoCategory.objects.alive().order_by("order", "id"):
        cats.setdefault(ic.main_category_id, []).append(ic)
    groups = []
    for e in _entities().select_related("main_category"):
        options = [(f"{e.pk}:0", f"{e.name} — {_('no information category')}")]
        options += [(f"{e.pk}:{ic.pk}", f"{e.name} — {ic.name}") for ic in cats.get(e.main_category_id, [])]
        groups.append((e.name, options))
    return groups


class PlacementPicker(forms.Widget):
    """A searchable placement picker that needs no script: the chosen placements as ticked boxes
    (untick to remove) and a few text boxes that suggest "entity — information category" lines
    from a datalist as the editor types. Typed lines are turned back into their values."""

    ADD_BOXES = 3

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = []

    def _labels(self) -> dict[str, str]:
        return {value: label for _group, options in self.choices for value, label in options}

    def value_from_datadict(self, data, files, name):
        by_label = {label.casefold(): value for value, label in self._labels().items()}
        values = list(data.getlist(name)) if hasattr(data, "getlist") else list(data.get(name) or [])
        for typed in (data.getlist(f"{name}_add") if hasattr(data, "getlist") else []):
            typed = " ".join(typed.split())
            if typed:
                values.append(by_label.get(typed.casefold(), typed))
        # A typed line with an information category refines the same entity's line without one.
        refined = {v.partition(":")[0] for v in values if ":" in v and v.partition(":")[2] not in ("", "0")}
        return [v for v in dict.fromkeys(values) if not (v.endswith(":0") and v.partition(":")[0] in refined)]

    def value_omitted_from_data(self, data, files, name):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        labels = self._labels()
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        chosen = [v for v in (value or []) if v in labels]
        boxes = format_html_join(
            "", '<li><label><input type="checkbox" name="{}" value="{}" checked> {}</label></li>',
            ((name, v, labels[v]) for v in chosen),
        )
        list_id = f"{base_id}-options"
        adds = format_html_join(
            "", '<input type="text" name="{}_add" id="{}" list="{}" autocomplete="off" aria-label="{}" placeholder="{}">',
            ((name, base_id if n == 0 else f"{base_id}-add{n}", list_id, _("Add a placement"),
              _("Type an entity, e.g. Amsterdam")) for n in range(self.ADD_BOXES)),
        )
        options = format_html_join("", '<option value="{}"></option>', ((label,) for label in labels.values()))
        return format_html(
            '<div class="placement-picker"><ul class="chosen">{}</ul><div class="adds">{}</div><datalist id="{}">{}</datalist></div>',
            boxes, adds, list_id, options,
        )


class PlacementField(forms.MultipleChoiceField):
    widget = PlacementPicker

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        unknown = [v for v in value if not self.valid_value(v)]
        if unknown:
            raise forms.ValidationError(
                _("No entity and information category called: %(names)s. Pick a line from the suggestions.")
                % {"names": ", ".join(unknown)}, code="invalid_choice")


class ItemForm(forms.ModelForm):
    """An item as editors edit it; tags and placements are plain fields the action applies."""

    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.alive(), required=False, widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(label=_("Keywords"), max_length=1000, required=False, help_text=_("Separated by commas"))
    placements = PlacementField(
        label=_("Entities and information categories"),
        help_text=_("Where the item appears on the map: type an entity's name and pick the line; one line per entity"),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Item
        fields = [
            "type", "title", "url", "source_name", "language", "published_on", "starts_on", "ends_on", "location",
            "event", "summary", "commentary", "results", "method", "financing", "lessons",
        ]
        help_texts = {"commentary": _("Markdown: **bold**, *italic*, [link](https://…), lists")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placements"].choices = placement_choices()
        self.fields["url"].assume_scheme = "https"
        item = self.instance
        if item.pk and not self.is_bound:
            self.initial.setdefault("themes", list(item.themes.values_list("pk", flat=True)))
            self.initial.setdefault("keywords", ", ".join(item.keywords.values_list("name", flat=True)))
            self.initial.setdefault("placements", [f"{e}:{ic or 0}" for e, ic in item.placements.values_list("entity_id", "info_category_id")])
            self.initial.setdefault("version", version_of(item))

    def clean_placements(self):
        pairs, seen = [], set()
        for value in self.cleaned_data["placements"]:
            entity_id, _sep, ic = value.partition(":")
            entity_id, ic = int(entity_id), int(ic or 0) or None
            if entity_id in seen:
                raise forms.ValidationError(_("Choose at most one information category per entity."))
            seen.add(entity_id)
            pairs.append((entity_id, ic))
        return pairs

    def clean_keywords(self):
        words = [w.strip().lower()[:100] for w in self.cleaned_data["keywords"].split(",")]
        return list(dict.fromkeys(w for w in words if w))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def version_of(item: Item) -> str:
    """The token a form carries to detect that someone else saved the item in the meantime."""
    return item.updated_at.isoformat() if item.pk else ""


class EntityForm(forms.ModelForm):
    class Meta:
        model = Entity
        fields = ["main_category", "name_sv", "name_en", "slug", "aliases", "summary_sv", "summary_en", "country", "region", "website", "priority", "is_watched"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["main_category"].queryset = MainCategory.objects.alive()
        self.fields["region"].queryset = Region.objects.all()
        self.fields["website"].assume_scheme = "https"

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name_en") or self.cleaned_data.get("name_sv") or "")[:120]
        if not slug:
            return slug
        if Entity.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another entity already has this short name."))
        return slug


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment to the contributor"), widget=TEXT, max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), widget=TEXT, max_length=5000)
