from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

class Term(models.Model):
    """One Swedish term and its English equivalent. Rows that share a term join into one set,
    so a second English wording is simply another row with the same Swedish term."""

    sv = models.CharField(_("Swedish"), max_length=120)
    en = models.CharField(_("English"), max_length=120)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["sv", "en"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [models.UniqueConstraint(fields=["sv", "en"], name="glossary_term_unique_pair")]

    def __str__(self):
        return f"{self.sv} ↔ {self.en}"

    def clean(self):
        from omvarld.core.search import words

        self.sv, self.en = self.sv.strip(), self.en.strip()
        for field in ("sv", "en"):
            if not words(getattr(self, field)):
                raise ValidationError({field: _("A term needs at least one word.")})
            if len(words(getattr(self, field))) > 6:
                raise ValidationError({field: _("A term has at most six words.")})
