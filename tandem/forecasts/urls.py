from django.urls import path

from tandem.forecasts import views

app_name = "forecasts"

urlpatterns = [
    path("", views.index, name="index"),
    path("rows/", views.rows, name="rows"),
    path("opportunities/", views.drilldown, name="opportunities"),
    path("adjust/", views.adjust, name="adjust"),
    path("quotas/", views.quotas, name="quotas"),
]
