from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    """Forecasts per fiscal period up the role hierarchy, with quotas and manager adjustments."""

    name = "tandem.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")

    def ready(self):
        # Forecast accuracy as a dashboard component, when the dashboards app is there.
        try:
            from tandem.dashboards.sources import register
        except ImportError:  # pragma: no cover - forecasts work without dashboards
            return
        from tandem.forecasts.accuracy import accuracy_source

        register(
            "forecast_accuracy",
            _("Forecast accuracy (Commit at quarter start vs. closed)"),
            accuracy_source,
        )
