from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "omvarld.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from omvarld.analytics import signals

        signals.connect()
