from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "omvarld.core"
    label = "core"
    verbose_name = _("Map")

    def ready(self):
        from omvarld.core import signals  # noqa: F401  keeps the search index current
