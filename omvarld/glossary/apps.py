"""A bilingual glossary of the field that search uses to cross Swedish and English (#17)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GlossaryConfig(AppConfig):
    name = "omvarld.glossary"
    label = "glossary"
    verbose_name = _("Glossary")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from omvarld.core import expansion
        from omvarld.glossary.models import Term
        from omvarld.glossary.queries import term_sets

        expansion.register_source("glossary", term_sets)
        post_save.connect(expansion.invalidate, sender=Term, dispatch_uid="expansion-glossary-save")
        post_delete.connect(expansion.invalidate, sender=Term, dispatch_uid="expansion-glossary-delete")
