from django.contrib import admin, messages
from django.utils.translation import gettext as _

from omvarld.api.models import APIToken


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Administrators issue tokens here; the secret is shown once, on creation."""

    list_display = ["name", "user", "key_hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hint", "created_at", "last_used_at"]
    fields = ["name", "user", "key_hint", "created_at", "last_used_at", "revoked_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.new_secret()
            messages.warning(request, _("Copy the new token now; it is not shown again: %(token)s") % {"token": raw})
        super().save_model(request, obj, form, change)
