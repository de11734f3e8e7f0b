from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("tandem.api.urls")),
    path("setup/", include("tandem.setup.urls")),
    path("", include("tandem.partners.urls")),
    path("", include("tandem.messaging.urls")),
    path("", include("tandem.assignment.urls")),
    path("", include("tandem.channel.urls")),
    path("reports/", include("tandem.reports.urls")),
    path("", include("tandem.pipeline.urls")),
    path("", include("tandem.calendar_app.urls")),
    path("dashboards/", include("tandem.dashboards.urls")),
    path("forecasts/", include("tandem.forecasts.urls")),
    path("", include("tandem.feed.urls")),
    path("", include("tandem.web.urls")),
]
