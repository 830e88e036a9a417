from django import forms
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, Region, Theme

from . import ical


class FilterForm(forms.Form):
    theme = forms.ModelChoiceField(Theme.objects.all(), required=False, to_field_name="slug", label=_("Theme"), empty_label=_("All themes"))
    entity = forms.ModelChoiceField(Entity.objects.filter(events__isnull=False).distinct(), required=False, to_field_name="slug", label=_("Entity"), empty_label=_("All entities"))
    region = forms.ModelChoiceField(Region.objects.all(), required=False, to_field_name="slug", label=_("Region"), empty_label=_("All regions"))
    ours = forms.BooleanField(required=False, label=_("Only events we take part in"))

    def values(self) -> dict:
        if not self.is_valid():
            return {"theme": "", "entity": "", "region": "", "ours": False}
        d = self.cleaned_data
        return {
            "theme": d["theme"].slug if d["theme"] else "",
            "entity": d["entity"].slug if d["entity"] else "",
            "region": d["region"].slug if d["region"] else "",
            "ours": bool(d["ours"]),
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"), required=False)
    url = forms.URLField(label=_("or the calendar's address (URL)"), required=False, max_length=1000, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file or an address."))
        return data

    def clean_url(self):
        from omvarld.lib.fetch import FetchError, check_url

        url = self.cleaned_data["url"]
        if url:
            try:
                check_url(url)
            except FetchError as exc:
                raise forms.ValidationError(_("This address cannot be fetched: %(reason)s"), params={"reason": exc.key}) from exc
        return url

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f and f.size > ical.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported."),
                params={"size": round(f.size / 1024 / 1024, 1), "max": ical.MAX_FILE_BYTES // 1024 // 1024},
            )
        return f
