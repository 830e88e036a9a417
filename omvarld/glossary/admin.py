from django.contrib import admin

from omvarld.glossary.models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["sv", "en", "note", "updated_at"]
    search_fields = ["sv", "en", "note"]
