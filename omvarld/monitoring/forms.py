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


class OPMLImportForm(forms.Form):
    file = forms.FileField(label=_("OPML file"))
