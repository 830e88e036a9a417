from django.contrib import admin

from .models import CalendarImport, Deadline, Event, ParticipationPlan


class PlanInline(admin.StackedInline):
    model = ParticipationPlan
    extra = 0
    filter_horizontal = ["responsible"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "city", "country", "time_zone", "dates_confirmed", "imported"]
    list_filter = ["dates_confirmed", "imported", "themes"]
    search_fields = ["title", "city", "country", "organiser", "uid"]
    filter_horizontal = ["entities", "themes"]
    date_hierarchy = "starts_at"
    inlines = [PlanInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.sequence += 1  # calendars that subscribed see the change (RFC 5545 SEQUENCE)
        super().save_model(request, obj, form, change)


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 1


@admin.register(ParticipationPlan)
class ParticipationPlanAdmin(admin.ModelAdmin):
    list_display = ["event", "form", "status"]
    list_filter = ["status", "form"]
    filter_horizontal = ["responsible"]
    inlines = [DeadlineInline]


@admin.register(CalendarImport)
class CalendarImportAdmin(admin.ModelAdmin):
    list_display = ["url", "state", "created", "updated", "requested_at"]
    readonly_fields = ["state", "message", "created", "updated", "requested_by", "requested_at", "finished_at"]
