from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "omvarld.core"
    label = "core"
    verbose_name = _("Map")

    def ready(self):
        from omvarld.core import signals  # noqa: F401  keeps the search index current

        from django.db.models.signals import post_delete, post_save

        from omvarld.core import expansion
        from omvarld.core.models import Theme

        expansion.register_source("themes", expansion.theme_terms)
        post_save.connect(expansion.invalidate, sender=Theme, dispatch_uid="expansion-theme-save")
        post_delete.connect(expansion.invalidate, sender=Theme, dispatch_uid="expansion-theme-delete")
