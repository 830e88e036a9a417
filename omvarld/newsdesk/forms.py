from django import forms
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, Theme
from omvarld.newsdesk.models import NewsletterDraft


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link to the source"), max_length=1000, required=False, assume_scheme="https")
    source_name = forms.CharField(label=_("Source"), max_length=200, required=False)
    language = forms.CharField(label=_("Language of the source"), max_length=8, initial="en")
    published_on = forms.DateField(label=_("Date of the source"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    commentary = forms.CharField(
        label=_("Commentary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What this means for a Swedish reader"),
    )
    entities = forms.ModelMultipleChoiceField(label=_("Entities"), queryset=Entity.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, entity_choices=None, confidence=None, **kwargs):
        super().__init__(*args, **kwargs)
        # confidence: {"entities": {pk: 0.82}, "themes": {pk: 0.6}} from the monitoring engine's tagger.
        for name, scores in (confidence or {}).items():
            self.fields[name].label_from_instance = _labeller(scores)
        # Offering every entity as a checkbox would swamp the form; the suggestions plus any
        # already chosen are offered, and `entity_slugs` adds others by slug.
        ids = set(entity_choices or [])
        if self.is_bound:
            ids |= {int(v) for v in self.data.getlist("entities") if str(v).isdigit()}
        self.fields["entities"].queryset = Entity.objects.alive().filter(pk__in=ids)
        self.fields["themes"].queryset = Theme.objects.alive().filter(merged_into__isnull=True)

    entity_slugs = forms.CharField(
        label=_("More entities"), required=False, max_length=500, help_text=_("Slugs separated by commas, e.g. amsterdam, c40")
    )

    def clean_entity_slugs(self):
        slugs = [s.strip() for s in self.cleaned_data["entity_slugs"].split(",") if s.strip()]
        found = list(Entity.objects.alive().filter(slug__in=slugs))
        missing = set(slugs) - {e.slug for e in found}
        if missing:
            raise forms.ValidationError(_("No entity with the slug: %(slugs)s") % {"slugs": ", ".join(sorted(missing))})
        return found

    def all_entities(self):
        return list(self.cleaned_data["entities"]) + list(self.cleaned_data["entity_slugs"])


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = NewsletterDraft
        fields = ["subject", "html", "text"]
        widgets = {"html": forms.Textarea(attrs={"rows": 16}), "text": forms.Textarea(attrs={"rows": 16})}


class WeekForm(forms.Form):
    week_start = forms.DateField(label=_("Week containing"), widget=forms.DateInput(attrs={"type": "date"}))


def _labeller(scores: dict):
    def label(obj):
        if obj.pk in scores:
            return _("%(name)s (suggested, %(pct)s%% confidence)") % {"name": obj, "pct": round(scores[obj.pk] * 100)}
        return str(obj)

    return label


class TipForm(forms.Form):
    url = forms.URLField(label=_("Link"), max_length=1000, assume_scheme="https")
    note = forms.CharField(label=_("Note to the editors"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
