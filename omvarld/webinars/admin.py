from django.contrib import admin

from .models import Webinar


@admin.register(Webinar)
class WebinarAdmin(admin.ModelAdmin):
    list_display = ["title", "held_at", "published"]
    list_filter = ["published", "themes"]
    search_fields = ["title", "speakers", "summary", "commentary"]
    filter_horizontal = ["partners", "themes"]
    date_hierarchy = "held_at"
