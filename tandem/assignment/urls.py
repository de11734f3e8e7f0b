from django.urls import path

from tandem.assignment import views

app_name = "assignment"

urlpatterns = [
    path("setup/assignment/", views.setup_home, name="setup"),
    path("setup/assignment/round-robin/new/", views.group_add, name="group_add"),
    path("setup/assignment/round-robin/<int:pk>/", views.group_edit, name="group_edit"),
    path("setup/assignment/round-robin/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("setup/assignment/rules/new/", views.rule_add, name="rule_add"),
    path("setup/assignment/rules/<int:pk>/", views.rule_detail, name="rule"),
    path("setup/assignment/rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("setup/assignment/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("setup/assignment/rules/<int:pk>/activate/", views.rule_activate, name="rule_activate"),
    path("setup/assignment/rules/<int:pk>/entries/new/", views.entry_add, name="entry_add"),
    path(
        "setup/assignment/rules/<int:pk>/entries/<int:entry_pk>/",
        views.entry_edit,
        name="entry_edit",
    ),
    path(
        "setup/assignment/rules/<int:pk>/entries/<int:entry_pk>/delete/",
        views.entry_delete,
        name="entry_delete",
    ),
    path(
        "setup/assignment/rules/<int:pk>/entries/<int:entry_pk>/move/",
        views.entry_move,
        name="entry_move",
    ),
    path("assignment/mass-owner/", views.mass_owner, name="mass_owner"),
    path("assignment/jobs/<int:pk>/", views.job_status, name="job"),
]
