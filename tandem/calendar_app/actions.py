"""Named actions of the calendar: schedule an event, move it, set its reminder.

Every write goes through core.actions (access check, history, visibility after save).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.access.door import can
from tandem.calendar_app.models import EventReminder
from tandem.calendar_app.reminders import MAX_MINUTES_BEFORE, schedule
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record, update_record


def _check_times(start, end):
    if start and end and end < start:
        raise ValidationError({"end": _("The end must not be before the start.")})


def set_event_reminder(event, minutes_before) -> None:
    """Keep (or drop, with None) the event's reminder setting; the caller checked edit access."""
    if minutes_before is None:
        EventReminder.objects.filter(event=event).delete()
        return
    if not 0 <= minutes_before <= MAX_MINUTES_BEFORE:
        raise ValidationError({"reminder": _("Choose a reminder up to a week before.")})
    EventReminder.objects.update_or_create(event=event, defaults={"minutes_before": minutes_before})
    schedule(event.start - datetime.timedelta(minutes=minutes_before))


def change_event_reminder(user, event, minutes_before):
    """Set or clear the reminder of an event the user may edit."""
    with transaction.atomic():
        if not can(user, "edit", event):
            raise NotVisible()
        set_event_reminder(event, minutes_before)


def schedule_event(user, values: dict, minutes_before=None, users=(), contacts=()):
    """Create an event (a meeting on the calendar), with an optional reminder and attendees."""
    from tandem.calendar_app.attendees import invite

    _check_times(values.get("start"), values.get("end"))
    with transaction.atomic():
        event = create_record(user, registry.get("event"), values)
        set_event_reminder(event, minutes_before)
        if users or contacts:
            invite(user, event, users, contacts)
    return event


def move_event(user, event, new_start: datetime.datetime):
    """Drag and drop: the event starts at `new_start` and keeps its duration."""
    with transaction.atomic():
        if not can(user, "edit", event):
            raise NotVisible()
        duration = event.end - event.start
        update_record(user, event, {"start": new_start, "end": new_start + duration})
        setting = EventReminder.objects.filter(event=event).first()
        if setting:
            schedule(event.start - datetime.timedelta(minutes=setting.minutes_before))
    return event


def import_vcards(user, text: str) -> list:
    """Create one contact per card, all or nothing; row errors name the card (1-based).

    An ORG matches an account the user may read with exactly that name (the door does the
    matching); otherwise the contact is created without an account.
    """
    from django.core.exceptions import PermissionDenied

    from tandem.calendar_app.vcard import card_values, parse
    from tandem.sales.models import Account

    cards, errors = parse(text)
    if not cards:
        raise ValidationError([_("The file holds no vCard (BEGIN:VCARD … END:VCARD).")])
    rows = []
    for card in cards:
        values, org, problems = card_values(card)
        for problem in problems:
            errors.append(_("Card %(n)d: %(problem)s.") % {"n": card.number, "problem": problem})
        rows.append((card.number, values, org))
    if errors:
        raise ValidationError(errors)
    created = []
    with transaction.atomic():
        for number, values, org in rows:
            if org:
                matches = list(
                    Account.objects.visible_to(user, "read").filter(name__iexact=org)[:2]
                )
                if len(matches) == 1:
                    values["account"] = matches[0]
            try:
                created.append(create_record(user, registry.get("contact"), values))
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ValidationError(
                    [_("Card %(n)d: %(problem)s") % {"n": number, "problem": " ".join(messages)}]
                ) from None
    return created
