from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsdeskConfig(AppConfig):
    name = "omvarld.newsdesk"
    label = "newsdesk"
    verbose_name = _("News desk")
