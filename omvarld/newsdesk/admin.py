from django.contrib import admin

from omvarld.newsdesk.models import NewsletterDraft


@admin.register(NewsletterDraft)
class NewsletterDraftAdmin(admin.ModelAdmin):
    list_display = ["week_start", "subject", "status", "handed_over_at"]
    readonly_fields = ["status", "status_note", "handed_over_at", "edited_by"]
