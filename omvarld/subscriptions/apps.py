from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "omvarld.subscriptions"
    label = "subscriptions"
    verbose_name = _("Email subscriptions")

    def ready(self):
        from omvarld.subscriptions import receivers  # noqa: F401  (connects to the outbox's signals)
