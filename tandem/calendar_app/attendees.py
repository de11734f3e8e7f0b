"""Event attendees: invite users and contacts, answer an invitation, list who comes.

Named actions, atomic. An invited user gets a read-only manual share of the event so the
door lets them see it (their calendar, the event page, the feed, reminders); the share
goes when they are removed. Contacts are only listed; who sees a contact's name is the
door's business, so pages show other viewers a count instead.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.directory import pickable_users
from tandem.access.door import can
from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.models import EventAttendee
from tandem.core.actions import NotVisible
from tandem.sales.models import Contact

MAX_ATTENDEES = 100


def parse_invitees(user, tokens) -> tuple[list, list]:
    """("user:5", "contact:7", ...) → (users, contacts) the user may pick; else a field error."""
    user_ids, contact_ids = [], []
    for token in tokens:
        kind, _sep, raw = str(token).partition(":")
        if kind not in ("user", "contact") or not raw.isdigit():
            raise ValidationError({"attendees": _("Choose attendees from the list.")})
        (user_ids if kind == "user" else contact_ids).append(int(raw))
    if len(set(user_ids)) + len(set(contact_ids)) > MAX_ATTENDEES:
        raise ValidationError(
            {"attendees": _("At most %(n)d attendees per event.") % {"n": MAX_ATTENDEES}}
        )
    users = list(pickable_users(user).filter(pk__in=set(user_ids)))
    contacts = list(Contact.objects.visible_to(user, "read").filter(pk__in=set(contact_ids)))
    if len(users) != len(set(user_ids)) or len(contacts) != len(set(contact_ids)):
        raise ValidationError(
            {"attendees": _("Attendees: choose active users and contacts you can see.")}
        )
    return users, contacts


def _require_edit(user, event):
    if not can(user, "edit", event):
        if can(user, "read", event):
            raise PermissionDenied(_("You may not change the attendees of this event."))
        raise NotVisible()


def invite(user, event, users=(), contacts=()) -> list[EventAttendee]:
    """Add attendees to an event the user may edit; already invited ones are left as they are."""
    from tandem.messaging.notify import notify

    with transaction.atomic():
        _require_edit(user, event)
        existing_users = set(
            EventAttendee.objects.filter(event=event, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        existing_contacts = set(
            EventAttendee.objects.filter(event=event, contact__isnull=False).values_list(
                "contact_id", flat=True
            )
        )
        added = []
        for person in users:
            if person.pk in existing_users or person.pk == event.owner_id:
                continue
            share = RecordShare.objects.create(
                object_name="event",
                record_id=event.pk,
                target_kind=TARGET_USER,
                target_id=person.pk,
                access_level=READ,
                created_by=user,
            )
            added.append(
                EventAttendee.objects.create(event=event, user=person, share=share, created_by=user)
            )
            notify(
                person,
                "invitation",
                _("%(who)s invited you to %(event)s")
                % {"who": user.full_name, "event": event.subject},
                event.get_absolute_url(),
                "event",
                event.pk,
            )
        for contact in contacts:
            if contact.pk in existing_contacts:
                continue
            added.append(
                EventAttendee.objects.create(event=event, contact=contact, created_by=user)
            )
    return added


def remove(user, event, attendee_id: int) -> None:
    with transaction.atomic():
        _require_edit(user, event)
        row = EventAttendee.objects.filter(event=event, pk=attendee_id).first()
        if row is None:
            raise NotVisible()
        if row.share_id:
            RecordShare.objects.filter(pk=row.share_id).delete()
        row.delete()


def respond(user, event, status: str) -> EventAttendee:
    """An invited user accepts or declines; the organiser is told."""
    from tandem.messaging.notify import notify

    if status not in (EventAttendee.ACCEPTED, EventAttendee.DECLINED):
        raise ValidationError({"status": _("Answer Accepted or Declined.")})
    with transaction.atomic():
        if not can(user, "read", event):
            raise NotVisible()
        row = EventAttendee.objects.select_for_update().filter(event=event, user=user).first()
        if row is None:
            raise PermissionDenied(_("You are not invited to this event."))
        if row.status != status:
            row.status = status
            row.responded_at = timezone.now()
            row.save(update_fields=["status", "responded_at"])
            if event.owner_id and event.owner_id != user.pk:
                title = (
                    _("%(who)s accepted %(event)s")
                    if status == EventAttendee.ACCEPTED
                    else _("%(who)s declined %(event)s")
                ) % {"who": user.full_name, "event": event.subject}
                notify(
                    event.owner, "invitation", title, event.get_absolute_url(), "event", event.pk
                )
    return row


def attendees_for(viewer, event) -> tuple[list[EventAttendee], int]:
    """The attendees `viewer` may see named, and how many contacts are hidden from them."""
    rows = list(EventAttendee.objects.filter(event=event).select_related("user", "contact"))
    contact_ids = [r.contact_id for r in rows if r.contact_id]
    visible = (
        set(
            Contact.objects.visible_to(viewer, "read")
            .filter(pk__in=contact_ids)
            .values_list("pk", flat=True)
        )
        if contact_ids
        else set()
    )
    shown = [r for r in rows if r.user_id or r.contact_id in visible]
    return shown, len(rows) - len(shown)


def invited_event_ids(user):
    """Events `user` is invited to and has not declined (a subquery)."""
    return (
        EventAttendee.objects.filter(user=user)
        .exclude(status=EventAttendee.DECLINED)
        .values("event_id")
    )
