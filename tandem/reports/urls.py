from django.urls import path

from tandem.reports import folder_views, schedule_views, type_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("folders/new/", views.new_folder, name="new_folder"),
    path("folders/<int:pk>/", folder_views.folder_edit, name="folder_edit"),
    path("types/", type_views.type_list, name="types"),
    path("types/new/", type_views.type_new, name="type_new"),
    path("types/<int:pk>/", type_views.type_edit, name="type_edit"),
    path("types/<int:pk>/delete/", type_views.type_delete, name="type_delete"),
    path("schedules/<int:pk>/", schedule_views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:pk>/delete/", schedule_views.schedule_delete, name="schedule_delete"),
    path("new/<slug:type_key>/", views.builder, name="builder_new"),
    path("preview/<slug:type_key>/", views.preview, name="preview"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/edit/", views.builder, name="builder_edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/schedule/", schedule_views.schedule_new, name="schedule_new"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
