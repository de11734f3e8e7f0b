"""Named actions of channel management: register a deal, approve or reject it, tell the channel manager.

Each is atomic and checks access through the door inside its transaction; a registration the
user may not see is NotVisible (pages answer 404). Notifications are rows written in the same
transaction, so a failed action leaves none behind.
"""

import datetime
import decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can, can_create
from tandem.channel.access import registrations_visible_to
from tandem.channel.conflicts import company_key, find_conflicts
from tandem.channel.models import DealRegistration
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record
from tandem.core.fields import default_picklist_value
from tandem.core.models import FieldHistory, PicklistValue
from tandem.messaging.notify import notify
from tandem.sales.models import Account

MAX_PROTECTION_DAYS = 3650
PARTNER_LEAD_SOURCE = "Partner Referral"


def _partner_account(user) -> Account | None:
    """The partner account of an active partner user, or None."""
    if not (
        user and user.is_authenticated and user.is_active and user.is_external and user.contact_id
    ):
        return None
    return (
        Account.objects.unrestricted()
        .select_related("owner")
        .filter(pk=user.partner_account_id, is_partner=True)
        .first()
    )


def notify_channel_manager(actor, object_name: str, record_id: int, summary: str):
    """Tell the channel manager (the owner of the actor's partner account) what a partner user did.

    Does nothing (returns None) when the actor is not a partner user, the manager is inactive,
    the record is gone, or the manager may not read it: a notification never shows what the
    door hides. Returns the Notification otherwise.
    """
    account = _partner_account(actor)
    if account is None:
        return None
    manager = account.owner
    if manager is None or not manager.is_active or manager.pk == actor.pk:
        return None
    obj_def = registry.find(object_name)
    if obj_def is None:
        return None
    record = obj_def.model.objects.unrestricted().filter(pk=record_id).first()
    if record is None or not can(manager, "read", record):
        return None
    title = _("%(partner)s (%(account)s): %(summary)s") % {
        "partner": actor.full_name,
        "account": account.name,
        "summary": summary,
    }
    return notify(
        manager, "partner_activity", title[:255], record.get_absolute_url(), object_name, record_id
    )


def _clean_registration(values: dict) -> dict:
    """The registration's fields, stripped and checked; errors are raised per field."""
    errors: dict[str, str] = {}
    data = {
        "company": (values.get("company") or "").strip(),
        "contact_name": (values.get("contact_name") or "").strip(),
        "contact_email": (values.get("contact_email") or "").strip().lower(),
        "product_interest": (values.get("product_interest") or "").strip(),
        "expected_amount": values.get("expected_amount"),
        "expected_close_date": values.get("expected_close_date"),
        "notes": (values.get("notes") or "").strip(),
    }
    if not data["company"]:
        errors["company"] = _("Enter the company the deal is with.")
    if not data["contact_name"]:
        errors["contact_name"] = _("Enter the name of your contact at the company.")
    if not data["contact_email"]:
        errors["contact_email"] = _("Enter your contact's email address.")
    else:
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors["contact_email"] = _("Enter a valid email address.")
    amount = data["expected_amount"]
    try:
        amount = decimal.Decimal(str(amount)) if amount not in (None, "") else None
    except decimal.InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors["expected_amount"] = _("Enter the expected amount.")
    elif amount < 0:
        errors["expected_amount"] = _("The expected amount cannot be negative.")
    data["expected_amount"] = amount
    close = data["expected_close_date"]
    if not isinstance(close, datetime.date):
        errors["expected_close_date"] = _("Enter the expected close date.")
    elif close < timezone.localdate():
        errors["expected_close_date"] = _("The expected close date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    return data


def register_deal(user, values: dict) -> DealRegistration:
    """A partner user registers a deal they found; the channel manager is told and reviews it."""
    with transaction.atomic():
        account = _partner_account(user)
        if account is None:
            raise PermissionDenied(_("Only partner users can register deals."))
        data = _clean_registration(values)
        now = timezone.now()
        registration = DealRegistration.objects.create(
            partner_account=account,
            submitted_by=user,
            company_key=company_key(data["company"]),
            conflicts=find_conflicts(data["company"], data["contact_email"], account.pk),
            created_at=now,
            updated_at=now,
            **data,
        )
        manager = account.owner
        if manager is not None and manager.is_active:
            notify(
                manager,
                "deal_registration",
                (
                    _("%(partner)s (%(account)s) registered a deal: %(company)s")
                    % {
                        "partner": user.full_name,
                        "account": account.name,
                        "company": registration.company,
                    }
                )[:255],
                reverse("channel:registration_review", args=[registration.pk]),
            )
    return registration


def _lock_for_review(user, registration_id) -> DealRegistration:
    """The pending registration, locked, if `user` may review it; NotVisible if they may not see it."""
    locked = (
        registrations_visible_to(user, "edit")
        .select_for_update(of=("self",))
        .select_related("partner_account", "submitted_by")
        .filter(pk=registration_id)
        .first()
    )
    if locked is None:
        if registrations_visible_to(user, "read").filter(pk=registration_id).exists():
            raise PermissionDenied(
                _("Only the partner account's channel manager can review this registration.")
            )
        raise NotVisible()
    if not locked.is_pending:
        raise ValidationError(
            _("This registration was already reviewed: %(status)s.")
            % {"status": locked.get_status_display()}
        )
    # Keep the conflicts as they stood when the decision was made (the page shows them later).
    locked.conflicts = find_conflicts(
        locked.company, locked.contact_email, locked.partner_account_id, locked.pk
    )
    return locked


def _tell_partner(registration: DealRegistration, title: str) -> None:
    partner = registration.submitted_by
    if partner.is_active:
        notify(
            partner,
            "deal_registration",
            title[:255],
            reverse("channel:deal_detail", args=[registration.pk]),
        )


def approve_registration(
    user,
    registration_id: int,
    *,
    account: Account | None = None,
    protection_days: int | None = None,
) -> DealRegistration:
    """Approve: an opportunity owned by the partner user (and an account if none was chosen),
    protected from other partners' registrations for `protection_days` days."""
    days = (
        DealRegistration.DEFAULT_PROTECTION_DAYS
        if protection_days in (None, "")
        else protection_days
    )
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_PROTECTION_DAYS:
        raise ValidationError(
            {
                "protection_days": _("Enter a number of days from 0 to %(max)d.")
                % {"max": MAX_PROTECTION_DAYS}
            }
        )
    with transaction.atomic():
        registration = _lock_for_review(user, registration_id)
        partner = registration.submitted_by
        if not partner.is_active:
            raise ValidationError(
                _("The partner user who registered this deal is no longer active.")
            )
        if account is not None and not can(user, "read", account):
            raise ValidationError({"account": _("Select an account you can see.")})
        needed = ("opportunity",) if account is not None else ("account", "opportunity")
        for object_name in needed:
            if not can_create(user, object_name):
                raise PermissionDenied(
                    _("You may not create %(object)s records.")
                    % {"object": registry.get(object_name).label}
                )
        # Created as the reviewer, then handed to the partner user (as lead conversion does).
        created = []
        if account is None:
            account = create_record(user, registry.get("account"), {"name": registration.company})
            created.append(account)
        has_partner_source = PicklistValue.objects.filter(
            object_name="opportunity",
            field_name="lead_source",
            value=PARTNER_LEAD_SOURCE,
            is_active=True,
        ).exists()
        name = registration.company
        if registration.product_interest:
            name = f"{registration.company} - {registration.product_interest}"
        opportunity = create_record(
            user,
            registry.get("opportunity"),
            {
                "name": name[:255],
                "account": account,
                "amount": registration.expected_amount,
                "close_date": registration.expected_close_date,
                "stage": default_picklist_value("opportunity", "stage"),
                "lead_source": PARTNER_LEAD_SOURCE if has_partner_source else "",
                "description": registration.notes,
            },
        )
        created.append(opportunity)
        for record in created:
            if record.owner_id != partner.pk:
                previous = record.owner
                record.owner = partner
                record.save(update_fields=["owner"])
                FieldHistory.objects.create(
                    object_name=registry.for_model(type(record)).name,
                    record_id=record.pk,
                    field_name="owner",
                    old_value=previous.full_name,
                    new_value=partner.full_name,
                    changed_by=user,
                )
        now = timezone.now()
        registration.status = DealRegistration.APPROVED
        registration.account = account
        registration.opportunity = opportunity
        registration.protected_until = timezone.localdate() + datetime.timedelta(days=days)
        registration.reviewed_by = user
        registration.reviewed_at = now
        registration.updated_at = now
        registration.save()
        _tell_partner(
            registration,
            _("Your deal registration for %(company)s was approved.")
            % {"company": registration.company},
        )
    return registration


def reject_registration(user, registration_id: int, reason: str) -> DealRegistration:
    """Reject with a reason the partner sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for rejecting: the partner will see it.")}
        )
    with transaction.atomic():
        registration = _lock_for_review(user, registration_id)
        now = timezone.now()
        registration.status = DealRegistration.REJECTED
        registration.rejection_reason = reason
        registration.reviewed_by = user
        registration.reviewed_at = now
        registration.updated_at = now
        registration.save()
        _tell_partner(
            registration,
            _("Your deal registration for %(company)s was rejected.")
            % {"company": registration.company},
        )
    return registration


__all__ = ["approve_registration", "notify_channel_manager", "register_deal", "reject_registration"]
