from django.urls import path

from tandem.pipeline import views

app_name = "pipeline"

urlpatterns = [
    path("pipeline/", views.board, name="board"),
    path("pipeline/opportunities/<int:pk>/move/", views.move, name="move"),
    path("pipeline/opportunities/<int:pk>/lost/", views.close_lost, name="close_lost"),
    path(
        "pipeline/opportunities/<int:pk>/contact-roles/",
        views.contact_role_add,
        name="contact_role_add",
    ),
    path(
        "pipeline/opportunities/<int:pk>/contact-roles/<int:role_id>/primary/",
        views.contact_role_primary,
        name="contact_role_primary",
    ),
    path(
        "pipeline/opportunities/<int:pk>/contact-roles/<int:role_id>/remove/",
        views.contact_role_remove,
        name="contact_role_remove",
    ),
]
