from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tandem.calendar_app"
    label = "calendar_app"
    verbose_name = _("Calendar")
