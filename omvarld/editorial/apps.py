from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "omvarld.editorial"
    label = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        from omvarld.editorial import revisions

        revisions.connect_signals()
