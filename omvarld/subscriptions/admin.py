from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from omvarld.subscriptions import queries
from omvarld.subscriptions.models import Delivery, Newsletter, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["kind", "entity", "theme", "category", "rhythm", "confirmed_at", "next_digest_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "stop_reason", "language", "consent_at", "consent_page", "confirmed_at"]
    list_filter = ["status", "stop_reason", "language"]
    search_fields = ["email"]
    readonly_fields = ["email", "consent_at", "consent_page", "confirmed_at", "confirmation_sent_at", "user"]
    fields = ["email", "language", "status", "stop_reason", *readonly_fields[1:]]
    inlines = [SubscriptionInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "kind", "period", "status", "attempts", "item_count", "created_at", "sent_at", "error"]
    list_filter = ["status", "kind", "rhythm"]
    search_fields = ["subscriber__email", "period"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    change_list_template = "admin/subscriptions/delivery/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        figures = self.admin_site.admin_view(self.figures_view)
        return [path("figures/", figures, name="subscriptions_delivery_figures"), *super().get_urls()]

    def figures_view(self, request):
        context = {**self.admin_site.each_context(request), "title": _("Delivery figures"), "opts": self.model._meta, **queries.delivery_figures()}
        return TemplateResponse(request, "admin/subscriptions/delivery/figures.html", context)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["subject", "created_at", "created_by"]
    readonly_fields = ["subject", "html", "text", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False
