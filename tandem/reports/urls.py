from django.urls import path

from tandem.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("folders/new/", views.new_folder, name="new_folder"),
    path("new/<slug:type_key>/", views.builder, name="builder_new"),
    path("preview/<slug:type_key>/", views.preview, name="preview"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/edit/", views.builder, name="builder_edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
