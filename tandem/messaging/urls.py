from django.urls import path

from tandem.messaging import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("setup/outbox/", views.outbox, name="outbox"),
    path("setup/outbox/<int:pk>/", views.outbox_email, name="outbox_email"),
]
