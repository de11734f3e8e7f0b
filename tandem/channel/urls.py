from django.urls import path

from tandem.channel import views

app_name = "channel"

urlpatterns = [
    path("portal/deals/", views.deal_list, name="deal_list"),
    path("portal/deals/new/", views.deal_register, name="deal_register"),
    path("portal/deals/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("channel/", views.dashboard, name="dashboard"),
    path("channel/registrations/", views.registration_list, name="registration_list"),
    path("channel/registrations/<int:pk>/", views.registration_review, name="registration_review"),
    path(
        "channel/registrations/<int:pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "channel/registrations/<int:pk>/reject/",
        views.registration_reject,
        name="registration_reject",
    ),
    path("channel/accounts/<int:pk>/feed/", views.account_feed, name="account_feed"),
]
