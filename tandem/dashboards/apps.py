from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards of report components, arranged on a grid and run as the viewer or a chosen user."""

    name = "tandem.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from tandem.dashboards.builtin_sources import register_builtin

        register_builtin()
