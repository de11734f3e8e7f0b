from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tandem.calendar_app"
    label = "calendar_app"
    verbose_name = _("Calendar")

    def ready(self):
        # The Attendees section on the event page (events are registered by core, before us).
        from tandem.calendar_app.attendee_views import attendees_panel
        from tandem.core import registry

        panels = registry.get("event").extra.setdefault("detail_panels", [])
        if attendees_panel not in panels:
            panels.append(attendees_panel)
        # A task saved with a reminder asks the worker to sweep at that time.
        from tandem.calendar_app.reminders import before_save_task

        task = registry.get("task")
        if "before_save" not in task.extra:
            task.extra["before_save"] = before_save_task
