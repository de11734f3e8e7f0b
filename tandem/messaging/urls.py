from django.urls import path

from tandem.messaging import send_views, setup_views, views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("settings/email-notifications/", send_views.email_preferences, name="email_preferences"),
    # Send Email from a record, and an email as it was sent (from its activity).
    path("email/send/<str:object_name>/<int:pk>/", send_views.send_email, name="email_send"),
    path(
        "email/send/<str:object_name>/<int:pk>/template/",
        send_views.send_email_template,
        name="email_send_template",
    ),
    path("email/sent/<int:task_pk>/", send_views.sent_email, name="email_sent"),
    # Setup
    path("setup/outbox/", views.outbox, name="outbox"),
    path("setup/outbox/<int:pk>/", views.outbox_email, name="outbox_email"),
    path("setup/outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("setup/email-templates/", setup_views.template_list, name="email_templates"),
    path("setup/email-templates/new/", setup_views.template_add, name="email_template_add"),
    path("setup/email-templates/<int:pk>/", setup_views.template_edit, name="email_template"),
    path(
        "setup/email-templates/<int:pk>/clone/",
        setup_views.template_clone,
        name="email_template_clone",
    ),
    path(
        "setup/email-templates/<int:pk>/delete/",
        setup_views.template_delete,
        name="email_template_delete",
    ),
    path(
        "setup/email-templates/<int:pk>/preview/",
        setup_views.template_preview,
        name="email_template_preview",
    ),
    path(
        "setup/notification-templates/<slug:key>/",
        setup_views.notification_edit,
        name="notification_template",
    ),
]
