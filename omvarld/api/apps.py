from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "omvarld.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self):
        from omvarld.api import versioning

        versioning.connect()
