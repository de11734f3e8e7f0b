from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    """Forecasts per fiscal period rolling up the role hierarchy, with quotas and manager adjustments."""

    name = "tandem.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")
