"""Named pipeline actions: move an opportunity to a stage, manage its contact roles.

Every stage change goes through core.actions.update_record, so edit access is checked and
field history written; these add the pipeline's own rules on top (a lost deal needs a reason,
exactly one primary contact role) inside the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.access.door import can
from tandem.core.actions import NotVisible, update_record
from tandem.core.models import PicklistValue
from tandem.pipeline.models import ContactRole, LossReason, OpportunityContactRole, OpportunityLoss
from tandem.sales.models import Contact, Opportunity


def stages():
    """The active opportunity stages in Setup order."""
    return list(
        PicklistValue.objects.filter(
            object_name="opportunity", field_name="stage", is_active=True
        ).order_by("sort_order", "id")
    )


def _stage(value: str) -> PicklistValue:
    row = PicklistValue.objects.filter(
        object_name="opportunity", field_name="stage", value=value, is_active=True
    ).first()
    if row is None:
        raise ValidationError(
            {"stage": _("“%(value)s” is not an opportunity stage.") % {"value": value}}
        )
    return row


def _require_edit(user, record, what: str):
    if not can(user, "edit", record):
        if can(user, "read", record):
            raise PermissionDenied(_("You may not edit this %(what)s.") % {"what": what})
        raise NotVisible()


def _locked(user, opportunity) -> Opportunity:
    """The opportunity row, locked for this transaction, after checking the user may edit it."""
    _require_edit(user, opportunity, _("opportunity"))
    return Opportunity.objects.unrestricted().select_for_update().get(pk=opportunity.pk)


def move_to_stage(user, opportunity, stage: str, loss_reason: str = "", competitor: str = ""):
    """Change the stage (probability and forecast follow the stage unless overridden).

    A closed-not-won stage needs a loss reason; the competitor is optional. Moving out of
    a lost stage forgets the old loss reason.
    """
    target = _stage(stage)
    lost = target.is_closed and not target.is_won
    competitor = (competitor or "").strip()
    if lost:
        if not loss_reason:
            raise ValidationError(
                {"loss_reason": _("Loss reason: choose why this opportunity was lost.")}
            )
        if loss_reason not in LossReason.values:
            raise ValidationError(
                {
                    "loss_reason": _("Loss reason: “%(value)s” is not a loss reason.")
                    % {"value": loss_reason}
                }
            )
        if len(competitor) > 255:
            raise ValidationError({"competitor": _("Competitor: at most 255 characters.")})
    with transaction.atomic():
        record = _locked(user, opportunity)
        update_record(user, record, {"stage": target.value})
        if lost:
            OpportunityLoss.objects.update_or_create(
                opportunity=record,
                defaults={"reason": loss_reason, "competitor": competitor, "recorded_by": user},
            )
        else:
            OpportunityLoss.objects.filter(opportunity=record).delete()
    opportunity.__dict__.update(
        {
            k: getattr(record, k)
            for k in (
                "stage",
                "probability",
                "forecast_category",
                "is_closed",
                "is_won",
                "updated_at",
            )
        }
    )
    return record


def _check_role(role: str):
    if role not in ContactRole.values:
        raise ValidationError({"role": _("Role: choose one of the contact roles.")})


def add_contact_role(user, opportunity, contact, role: str, is_primary: bool = False):
    """Add a contact to the deal. The first contact role becomes primary whatever was asked."""
    _check_role(role)
    with transaction.atomic():
        record = _locked(user, opportunity)
        if not Contact.objects.visible_to(user, "read").filter(pk=contact.pk).exists():
            raise ValidationError({"contact": _("Contact: choose a contact you can see.")})
        if record.contact_roles.filter(contact=contact).exists():
            raise ValidationError(
                {
                    "contact": _("Contact: %(name)s already has a role on this opportunity.")
                    % {"name": contact}
                }
            )
        has_primary = record.contact_roles.filter(is_primary=True).exists()
        if is_primary and has_primary:
            record.contact_roles.filter(is_primary=True).update(is_primary=False)
        return OpportunityContactRole.objects.create(
            opportunity=record,
            contact=contact,
            role=role,
            is_primary=is_primary or not has_primary,
            created_by=user,
        )


def _role_locked(user, role_id: int, opportunity) -> tuple[Opportunity, OpportunityContactRole]:
    record = _locked(user, opportunity)
    row = record.contact_roles.filter(pk=role_id).first()
    if row is None:
        raise NotVisible()
    return record, row


def make_primary(user, opportunity, role_id: int) -> OpportunityContactRole:
    """Make one contact role primary; the old primary stops being primary in the same transaction.

    The opportunity row lock serialises two people doing this at once; the partial unique
    constraint is the last line of defence.
    """
    with transaction.atomic():
        record, row = _role_locked(user, role_id, opportunity)
        record.contact_roles.filter(is_primary=True).exclude(pk=row.pk).update(is_primary=False)
        if not row.is_primary:
            row.is_primary = True
            row.save(update_fields=["is_primary", "updated_at"])
        return row


def change_contact_role(user, opportunity, role_id: int, role: str) -> OpportunityContactRole:
    _check_role(role)
    with transaction.atomic():
        _, row = _role_locked(user, role_id, opportunity)
        row.role = role
        row.save(update_fields=["role", "updated_at"])
        return row


def remove_contact_role(user, opportunity, role_id: int) -> None:
    """Remove a contact role; if it was primary, the oldest remaining one becomes primary."""
    with transaction.atomic():
        record, row = _role_locked(user, role_id, opportunity)
        was_primary = row.is_primary
        row.delete()
        if was_primary:
            successor = record.contact_roles.order_by("created_at", "id").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary", "updated_at"])
