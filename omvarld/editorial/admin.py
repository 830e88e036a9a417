"""The Django admin records revisions and uses the trash like the editorial pages do.

The core app registers its admin classes; here each one tracked by the revision history is
re-registered with ``RevisionAdminMixin`` in front, so an edit in the admin is one revision by
the signed-in user, and "delete" moves records to the trash instead of removing them.
"""

from django.contrib import admin

from omvarld.editorial import actions, revisions
from omvarld.editorial.models import Revision, Suggestion, SuggestionEvent


class RevisionAdminMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with revisions.recording(user=request.user, comment="admin"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # list_editable saves happen here.
        with revisions.recording(user=request.user, comment="admin"):
            return super().changelist_view(request, extra_context)

    def delete_model(self, request, obj):
        if hasattr(obj, "deleted_at"):
            actions.trash(user=request.user, obj=obj)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if hasattr(queryset.model, "deleted_at"):
            for obj in queryset:
                actions.trash(user=request.user, obj=obj)
        else:
            super().delete_queryset(request, queryset)


def _wrap_tracked_admins(site=admin.site) -> None:
    for model in revisions.TRACKED.values():
        current = site._registry.get(model)
        if current is None or isinstance(current, RevisionAdminMixin):
            continue
        site.unregister(model)
        site.register(model, type(f"Tracked{type(current).__name__}", (RevisionAdminMixin, type(current)), {}))


_wrap_tracked_admins()


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "comment", "at")
    fields = readonly_fields


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "author", "updated_at")
    list_filter = ("status", "kind")
    search_fields = ("title",)
    readonly_fields = ("kind", "status", "author", "data", "target_item", "result_item", "result_entity", "created_at", "updated_at")
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("object_repr", "model", "number", "action", "user", "created_at")
    list_filter = ("model", "action")
    search_fields = ("object_repr",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
