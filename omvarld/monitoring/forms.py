from django import forms
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity
from omvarld.monitoring.models import Source
from omvarld.monitoring.sources import kind_choices


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=kind_choices, initial="feed")
    url = forms.URLField(label=_("Address"), max_length=2000, assume_scheme="https",
                         help_text=_("A feed's address, or a website's address to find its feed; for a watched page, the page's address."))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    css_selector = forms.CharField(label=_("CSS selector"), max_length=300, required=False,
                                   help_text=_("Watched pages only: the part of the page to watch, e.g. main .news"))
    entities = forms.ModelMultipleChoiceField(label=_("Entities it covers"), queryset=Entity.objects.alive(), required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Source.Priority.choices, coerce=int, initial=Source.Priority.NORMAL)

    def clean(self):
        """What can be told without the network is told at once; the rest by the worker (#18)."""
        from omvarld.lib.fetch import FetchError, check_url
        from omvarld.monitoring import actions
        from omvarld.monitoring.errors import describe

        data = super().clean()
        if data.get("url"):
            try:
                check_url(data["url"].strip())
            except FetchError as exc:
                self.add_error("url", describe(exc.key, exc.params))
        if data.get("kind") == "webpage" and data.get("css_selector"):
            try:
                actions._check_selector(data["css_selector"])
            except actions.SourceError as exc:
                self.add_error("css_selector", describe(exc.key, exc.params))
        return data


class OPMLImportForm(forms.Form):
    file = forms.FileField(label=_("OPML file"))
