"""Sister programmes (MISSION M12): one installation per programme, made from a profile file."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "omvarld.programmes"
    label = "programmes"
    verbose_name = _("Programmes")
