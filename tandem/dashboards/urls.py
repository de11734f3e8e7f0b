from django.urls import path

from tandem.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_list, name="list"),
    path("new/", views.dashboard_new, name="new"),
    path("<int:pk>/", views.dashboard_view, name="view"),
    path("<int:pk>/edit/", views.dashboard_edit, name="edit"),
    path("<int:pk>/delete/", views.dashboard_delete, name="delete"),
    path("<int:pk>/layout/", views.layout, name="layout"),
    path("<int:pk>/components/new/", views.component_edit, name="component_new"),
    path("<int:pk>/components/<int:cid>/edit/", views.component_edit, name="component_edit"),
    path("<int:pk>/components/<int:cid>/delete/", views.component_delete, name="component_delete"),
]
