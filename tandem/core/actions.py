"""Named actions on records: create, update, delete, change owner, share.

Views and the API stay thin and call these. Each is atomic, writes field history, and
checks inside the transaction that the writer may still see what they wrote.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can, can_create
from tandem.access.models import RecordShare
from tandem.core import registry
from tandem.core.history import record_changes, snapshot, tracked_specs
from tandem.core.models import FieldHistory, RecentItem


class NotVisible(PermissionDenied):
    """The record does not exist for this user: pages and the API answer 404."""


def _apply(record, values: dict, custom: dict | None):
    for name, value in values.items():
        setattr(record, name, value)
    if custom is not None:
        merged = dict(record.custom or {})
        merged.update(custom)
        record.custom = {k: v for k, v in merged.items() if v not in (None, "", [])}


def _prepare(obj_def, record):
    hook = obj_def.extra.get("before_save")
    if hook:
        hook(record)


def create_record(user, obj_def, values: dict, custom: dict | None = None):
    if not can_create(user, obj_def.name):
        raise PermissionDenied(_("You may not create %(object)s records.") % {"object": obj_def.label})
    record = obj_def.model()
    if "owner" not in values and "owner_queue" not in values:
        record.owner = user
    _apply(record, values, custom)
    record.created_by = record.updated_by = user
    with transaction.atomic():
        _prepare(obj_def, record)
        record.save()
        FieldHistory.objects.create(
            object_name=obj_def.name, record_id=record.pk, field_name="created", changed_by=user
        )
        tell_channel_manager(user, obj_def, record, _("created %(object)s %(name)s") % {"object": obj_def.label.lower(), "name": record})
        if not can(user, "read", record):
            raise ValidationError(
                {"owner": _("You would not be able to see this record after saving it.")}
            )
    return record


def tell_channel_manager(user, obj_def, record, summary: str) -> None:
    """A partner user's change shows up for their channel manager (see tandem.channel)."""
    if getattr(user, "is_external", False):
        from tandem.channel.actions import notify_channel_manager

        notify_channel_manager(user, obj_def.name, record.pk, summary)


def _refuse_converted(record):
    if getattr(record, "is_converted", False):
        raise ValidationError(_("A converted lead is read-only."))


def update_record(user, record, values: dict, custom: dict | None = None):
    obj_def = registry.for_model(type(record))
    with transaction.atomic():
        if not can(user, "edit", record):
            raise NotVisible()
        _refuse_converted(record)
        before = snapshot(record, tracked_specs(obj_def))
        _apply(record, values, custom)
        record.updated_by = user
        record.updated_at = timezone.now()
        _prepare(obj_def, record)
        record.save()
        changes = record_changes(obj_def, record, before, user)
        if changes:
            summary = "; ".join(f"{c.field_name.replace('_', ' ')}: {c.old_value or '—'} → {c.new_value or '—'}" for c in changes)
            tell_channel_manager(user, obj_def, record, f"{record}: {summary}")
        if not can(user, "read", record):
            raise ValidationError(
                _("You would not be able to see this record after saving it.")
            )
    return record


def change_owner(user, record, new_owner=None, new_queue=None, send_email=False, link=""):
    """Transfer a record to a user (or, for leads, a queue). The old owner may lose access.

    The new owner gets an in-app notification and, with `send_email`, the "record_assigned"
    email, sent once the transfer has committed.
    """
    obj_def = registry.for_model(type(record))
    if (new_owner is None) == (new_queue is None):
        raise ValidationError({"owner": _("Choose exactly one new owner.")})
    if new_queue is not None and not obj_def.queue_owned:
        raise ValidationError({"owner": _("This object cannot be owned by a queue.")})
    if new_owner is not None and not new_owner.is_active:
        raise ValidationError({"owner": _("The new owner is not an active user.")})
    with transaction.atomic():
        allowed = can(user, "delete", record) or (
            user.has_system_permission("transfer_records") and can(user, "edit", record)
        )
        if not allowed:
            if can(user, "read", record):
                raise PermissionDenied(_("Only the owner, their managers or an administrator can change the owner."))
            raise NotVisible()
        _refuse_converted(record)
        before = snapshot(record, tracked_specs(obj_def))
        record.owner = new_owner
        if obj_def.queue_owned:
            record.owner_queue = new_queue
        record.updated_by = user
        record.updated_at = timezone.now()
        record.save()
        record_changes(obj_def, record, before, user)
        hook = obj_def.extra.get("after_owner_change")
        if hook:
            hook(record)
        if new_owner is not None and new_owner.pk != user.pk:
            _tell_new_owner(user, obj_def, record, new_owner, send_email, link or record.get_absolute_url())
    return record


def _tell_new_owner(user, obj_def, record, new_owner, send_email: bool, link: str):
    from tandem.messaging.notify import email_from_template, notify

    title = _("%(object)s assigned to you: %(name)s") % {"object": obj_def.label, "name": record}
    notify(new_owner, "assignment", title, record.get_absolute_url(), obj_def.name, record.pk)
    from tandem.calendar_app.models import EmailPreference

    if send_email and EmailPreference.wants(new_owner, "assignment"):
        email_from_template(
            "record_assigned",
            new_owner.email,
            {
                "Record.Type": obj_def.label.lower(),
                "Record.Name": str(record),
                "Record.Company": getattr(record, "company", ""),
                "Record.Link": link,
                "Owner.FirstName": new_owner.first_name,
                "Owner.Name": new_owner.full_name,
                "Sender.Name": user.full_name,
            },
        )


def describe_dependents(protected_objects) -> str:
    """What protects a record from deletion, as "3 Contacts, 1 Opportunity"."""
    counts: dict[str, int] = {}
    for obj in protected_objects:
        label = str(obj._meta.verbose_name_plural).title()
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def delete_record(user, record):
    obj_def = registry.for_model(type(record))
    with transaction.atomic():
        if not can(user, "delete", record):
            if can(user, "read", record):
                raise PermissionDenied(_("You may not delete this record."))
            raise NotVisible()
        pk = record.pk
        try:
            with transaction.atomic():
                record.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("This %(object)s cannot be deleted because other records depend on it: %(deps)s.")
                % {"object": obj_def.label.lower(), "deps": describe_dependents(exc.protected_objects)}
            ) from None
        RecordShare.objects.filter(object_name=obj_def.name, record_id=pk).delete()
        RecentItem.objects.filter(object_name=obj_def.name, record_id=pk).delete()


def share_record(user, record, target_kind: str, target_id: int, access_level: str):
    """Manual sharing: the owner, their managers or an administrator open one record."""
    obj_def = registry.for_model(type(record))
    if not can(user, "delete", record):
        raise PermissionDenied(_("Only the owner, their managers or an administrator can share this record."))
    return RecordShare.objects.create(
        object_name=obj_def.name,
        record_id=record.pk,
        target_kind=target_kind,
        target_id=target_id,
        access_level=access_level,
        created_by=user,
    )


def remember_view(user, obj_def, record) -> None:
    """Put a record at the top of the user's Recent Items."""
    RecentItem.objects.update_or_create(
        user=user,
        object_name=obj_def.name,
        record_id=record.pk,
        defaults={"viewed_at": timezone.now()},
    )
