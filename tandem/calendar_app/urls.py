from django.urls import path

from tandem.calendar_app import attendee_views, views

app_name = "calendar"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/events/new/", views.event_new, name="event_new"),
    path("calendar/events/<int:pk>/move/", views.event_move, name="event_move"),
    path("calendar/events/<int:pk>/reminder/", views.event_reminder, name="event_reminder"),
    path("calendar/people/", attendee_views.attendee_lookup, name="attendee_lookup"),
    path(
        "calendar/events/<int:pk>/attendees/",
        attendee_views.attendee_add,
        name="event_attendee_add",
    ),
    path(
        "calendar/events/<int:pk>/attendees/<int:attendee_id>/remove/",
        attendee_views.attendee_remove,
        name="event_attendee_remove",
    ),
    path("calendar/events/<int:pk>/respond/", attendee_views.respond, name="event_respond"),
    path("calendar/settings/", views.settings_page, name="settings"),
    path("calendar/feed/regenerate/", views.feed_regenerate, name="feed_regenerate"),
    path("calendar/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path("calendar/contacts/<int:pk>.vcf", views.contact_vcard, name="contact_vcard"),
    path("calendar/contacts/import/", views.vcard_import, name="vcard_import"),
]
