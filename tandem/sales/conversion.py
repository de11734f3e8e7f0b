"""Lead conversion: a qualified lead becomes an account, a contact and optionally an opportunity.

One action, all or nothing: if any part cannot be created, nothing is.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can, can_create
from tandem.activities.models import Event, Note, Task
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record, tell_channel_manager
from tandem.core.fields import custom_fields, default_picklist_value
from tandem.core.models import FieldHistory, PicklistValue
from tandem.sales.models import Account, Contact, Lead, Opportunity

ADDRESS = ("street", "city", "state", "postal_code", "country")
TO_ACCOUNT = {
    "company": "name",
    "industry": "industry",
    "annual_revenue": "annual_revenue",
    "number_of_employees": "number_of_employees",
    "phone": "phone",
    "website": "website",
    "rating": "rating",
    **{f: f for f in ADDRESS},
}
TO_CONTACT = {
    f: f
    for f in (
        "salutation", "first_name", "last_name", "title", "email", "phone", "mobile_phone",
        "lead_source", "description", *ADDRESS,
    )
}


@dataclass
class Conversion:
    account: Account
    contact: Contact
    opportunity: Opportunity | None


def converted_statuses() -> list[str]:
    return list(
        PicklistValue.objects.filter(
            object_name="lead", field_name="status", is_converted=True, is_active=True
        ).values_list("value", flat=True)
    )


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1].lower() if "@" in (email or "") else ""


def matching_accounts(user, lead: Lead, limit: int = 10):
    """Accounts the user can see that look like the lead's company (name or email domain)."""
    q = Q()
    if lead.company:
        q |= Q(name__iexact=lead.company) | Q(name__icontains=lead.company.split()[0])
    domain = email_domain(lead.email)
    if domain:
        q |= Q(website__icontains=domain)
    if not q:
        return Account.objects.none()
    return Account.objects.visible_to(user, "read").filter(q).order_by("name")[:limit]


def _mapped_custom(lead: Lead, target: str) -> dict:
    """Lead custom fields that have a field of the same name and type on the target object."""
    target_fields = {s.name: s.type for s in custom_fields(registry.get(target))}
    out = {}
    for spec in custom_fields(registry.get("lead")):
        mapped = (spec.definition.convert_to or {}).get(target) if spec.definition else None
        name = mapped and f"custom.{mapped}"
        if name and target_fields.get(name) == spec.type:
            value = (lead.custom or {}).get(spec.name.removeprefix("custom."))
            if value not in (None, "", []):
                out[mapped] = value
    return out


def convert_lead(
    user,
    lead: Lead,
    *,
    owner,
    converted_status: str,
    account: Account | None = None,
    account_name: str = "",
    contact: Contact | None = None,
    create_opportunity: bool = True,
    opportunity_name: str = "",
) -> Conversion:
    """Convert `lead`; `account`/`contact` attach to existing records, else new ones are made."""
    if converted_status not in converted_statuses():
        raise ValidationError({"converted_status": _("Choose a converted lead status.")})
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": _("Choose an active user as the record owner.")})
    with transaction.atomic():
        locked = Lead.objects.unrestricted().select_for_update().filter(pk=lead.pk).first()
        if locked is None or not can(user, "read", locked):
            raise NotVisible()
        if not can(user, "edit", locked):
            raise PermissionDenied(_("You may not convert this lead."))
        if locked.is_converted:
            raise ValidationError(_("This lead was already converted."))
        for object_name in ("account", "contact") + (("opportunity",) if create_opportunity else ()):
            if not can_create(user, object_name):
                raise PermissionDenied(
                    _("You may not create %(object)s records.")
                    % {"object": registry.get(object_name).label}
                )
        if account is not None and not can(user, "read", account):
            raise ValidationError({"account": _("Select an account you can see.")})
        if contact is not None and (account is None or contact.account_id != account.pk or not can(user, "read", contact)):
            raise ValidationError({"contact": _("Select a contact of the chosen account.")})

        # New records are created as the converting user, then handed to the chosen owner,
        # as Change Owner would: the converter may lose sight of them, as in Salesforce.
        created = []
        if account is None:
            values = {dst: getattr(locked, src) for src, dst in TO_ACCOUNT.items()}
            values["name"] = account_name.strip() or locked.company
            account = create_record(user, registry.get("account"), values, _mapped_custom(locked, "account"))
            created.append(account)
        if contact is None:
            values = {dst: getattr(locked, src) for src, dst in TO_CONTACT.items()}
            values["account"] = account
            contact = create_record(user, registry.get("contact"), values, _mapped_custom(locked, "contact"))
            created.append(contact)
        opportunity = None
        if create_opportunity:
            values = {
                "name": opportunity_name.strip() or f"{account.name}-",
                "account": account,
                "stage": default_picklist_value("opportunity", "stage"),
                "close_date": timezone.localdate() + datetime.timedelta(days=30),
                "lead_source": locked.lead_source,
            }
            opportunity = create_record(
                user, registry.get("opportunity"), values, _mapped_custom(locked, "opportunity")
            )
            created.append(opportunity)
        for record in created:
            if record.owner_id != owner.pk:
                record.owner = owner
                record.save(update_fields=["owner"])

        moved = {"lead": None, "contact": contact, "account": account}
        if opportunity is not None:
            moved["opportunity"] = opportunity
        for model in (Task, Event, Note):
            model.objects.unrestricted().filter(lead=locked).update(**moved)
        previous_status = locked.status
        locked.is_converted = True
        locked.status = converted_status
        locked.converted_at = timezone.now()
        locked.converted_by = user
        locked.converted_account = account
        locked.converted_contact = contact
        locked.converted_opportunity = opportunity
        locked.updated_by = user
        locked.updated_at = locked.converted_at
        locked.save()
        FieldHistory.objects.create(
            object_name="lead",
            record_id=locked.pk,
            field_name="status",
            old_value=previous_status,
            new_value=converted_status,
            changed_by=user,
        )
        tell_channel_manager(user, registry.get("lead"), locked, _("converted %(lead)s") % {"lead": locked})
    return Conversion(account=account, contact=contact, opportunity=opportunity)
