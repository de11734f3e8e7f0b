from django.contrib.auth import views as auth_views
from django.urls import path

from tandem.web import accounts, activity_views, conversion, lists, pages, records

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("search/", pages.search, name="search"),
    path("lookup/<slug:object_name>/", pages.lookup, name="lookup"),
    path("leads/<int:pk>/convert/", conversion.lead_convert, name="lead_convert"),
    path("tasks/<int:pk>/complete/", activity_views.task_complete, name="task_complete"),
    path("<slug:slug>/", lists.record_list, name="record_list"),
    path("<slug:slug>/views/new/", lists.list_view_edit, name="list_view_new"),
    path("<slug:slug>/views/<int:pk>/", lists.list_view_edit, name="list_view_edit"),
    path("<slug:slug>/new/", records.record_create, name="record_create"),
    path("<slug:slug>/<int:pk>/", records.record_detail, name="record_detail"),
    path("<slug:slug>/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("<slug:slug>/<int:pk>/cell/<str:field>/", lists.cell_edit, name="list_cell_edit"),
    path("<slug:slug>/<int:pk>/delete/", records.record_delete, name="record_delete"),
    path("<slug:slug>/<int:pk>/owner/", records.record_change_owner, name="record_change_owner"),
    path("<slug:slug>/<int:pk>/sharing/", records.record_sharing, name="record_sharing"),
    path("<slug:slug>/<int:pk>/log-call/", activity_views.record_log_call, name="record_log_call"),
]
