"""Field rules applied before an activity is saved."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def before_save_event(event) -> None:
    if event.start and event.end and event.end < event.start:
        raise ValidationError({"end": _("The end must not be before the start.")})
