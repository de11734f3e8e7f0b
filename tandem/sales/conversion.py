"""Lead conversion: a qualified lead becomes an account, a contact and optionally an opportunity.

One action, all or nothing: if any part cannot be created, nothing is.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can, can_create
from tandem.activities.models import Event, Note, Task
from tandem.core import registry
from tandem.core.actions import NotVisible, create_record, tell_channel_manager
from tandem.core.fields import all_fields, custom_fields, default_picklist_value
from tandem.core.filters import coerce
from tandem.core.models import FieldHistory, PicklistValue
from tandem.sales.lead_mapping import Mapping, check_value, mappings
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
        "salutation",
        "first_name",
        "last_name",
        "title",
        "email",
        "phone",
        "mobile_phone",
        "lead_source",
        "description",
        *ADDRESS,
    )
}


@dataclass
class Conversion:
    account: Account
    contact: Contact
    opportunity: Opportunity | None
    # Mappings set up in Setup that could not be used (their target field was deleted...).
    skipped: list[Mapping]


def converted_statuses() -> list[str]:
    return list(
        PicklistValue.objects.filter(
            object_name="lead", field_name="status", is_converted=True, is_active=True
        ).values_list("value", flat=True)
    )


# Addresses at these domains say nothing about the company a person works for.
FREE_MAIL = {
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "libero.it",
    "proton.me",
    "protonmail.com",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
}
# Words that do not tell one company from another.
COMPANY_NOISE = {
    "the",
    "and",
    "inc",
    "ltd",
    "llc",
    "plc",
    "gmbh",
    "spa",
    "srl",
    "sa",
    "ag",
    "co",
    "corp",
    "company",
    "group",
    "limited",
    "sarl",
    "bv",
    "nv",
    "oy",
    "ab",
}


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1].lower() if "@" in (email or "") else ""


def _company_word(company: str) -> str:
    for word in (company or "").replace(",", " ").replace(".", " ").split():
        if len(word) >= 3 and word.lower() not in COMPANY_NOISE:
            return word
    return ""


def matching_accounts(user, lead: Lead, limit: int = 10) -> list[Account]:
    """Accounts the user can see that look like the lead's company, best first.

    A match is the same name, a name sharing the company's first distinctive word, a
    website on the lead's email domain, or a contact (one the user can see) at that domain.
    Each account carries `match_reason` for the Convert page.
    """
    reasons = []
    company = (lead.company or "").strip()
    if company:
        reasons.append((Q(name__iexact=company), _("same name")))
        word = _company_word(company)
        if word:
            reasons.append((Q(name__icontains=word), _("similar name")))
    domain = email_domain(lead.email)
    if domain and domain not in FREE_MAIL:
        reasons.append(
            (Q(website__icontains=domain), _("website on %(domain)s") % {"domain": domain})
        )
        colleagues = (
            Contact.objects.visible_to(user, "read")
            .filter(email__iendswith="@" + domain, account__isnull=False)
            .values("account_id")
        )
        reasons.append((Q(pk__in=colleagues), _("contacts at %(domain)s") % {"domain": domain}))
    if not reasons:
        return []
    condition = Q()
    for q, _reason in reasons:
        condition |= q
    rank = Case(*(When(q, then=Value(i)) for i, (q, _r) in enumerate(reasons)), default=Value(99))
    found = (
        Account.objects.visible_to(user, "read")
        .filter(condition)
        .annotate(match_rank=rank)
        .order_by("match_rank", "name", "pk")[:limit]
    )
    out = []
    for account in found:
        account.match_reason = reasons[account.match_rank][1]
        out.append(account)
    return out


def _custom_values(lead: Lead, target: str, usable: list, problems: list[str]) -> dict:
    """The new `target` record's custom values: the lead's mapped values, then field defaults."""
    out = {}
    for mapping in usable:
        if mapping.target_object != target:
            continue
        value = (lead.custom or {}).get(mapping.source.name)
        if value in (None, "", []):
            continue
        value, problem = check_value(mapping, value)
        if problem:
            problems.append(problem)
        else:
            out[mapping.target_name] = value
    for spec in custom_fields(registry.get(target)):
        key = spec.name.removeprefix("custom.")
        default = spec.definition.default_value if spec.definition else ""
        if key in out or not default:
            continue
        if spec.type == "multipicklist":
            out[key] = [v.strip() for v in default.split(";") if v.strip()]
            continue
        try:
            value = coerce(spec, default)
        except ValidationError:
            continue  # Setup refuses such defaults; an old bad one is simply not applied
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat()
        out[key] = value
    return out


def _missing_required(user, object_name: str, values: dict, custom: dict) -> list[str]:
    """Messages for required fields (field, custom field or the user's page layout) left empty."""
    from tandem.web.layouts import layout_for

    obj_def = registry.get(object_name)
    required = set(layout_for(obj_def, user).required)
    messages = []
    for spec in all_fields(obj_def):
        if spec.type == "owner" or not spec.editable or spec.type == "checkbox":
            continue
        if not (spec.required or spec.name in required):
            continue
        value = (
            custom.get(spec.name.removeprefix("custom."))
            if spec.is_custom
            else values.get(spec.name)
        )
        if value in (None, "", []):
            messages.append(
                _("%(object)s: %(field)s is required and the lead gives it no value.")
                % {"object": obj_def.label, "field": spec.label}
            )
    return messages


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
    """Convert `lead`; `account`/`contact` attach to existing records, else new ones are made.

    All or nothing: a refusal (no access, a required field the lead cannot fill, a mapped
    value the target field does not accept) raises before or inside the one transaction,
    and the lead, its activities and every new record stay as they were.
    """
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
        creating = [
            name
            for name, wanted in (
                ("account", account is None),
                ("contact", contact is None),
                ("opportunity", create_opportunity),
            )
            if wanted
        ]
        for object_name in creating:
            if not can_create(user, object_name):
                raise PermissionDenied(
                    _("You may not create %(object)s records.")
                    % {"object": registry.get(object_name).label}
                )
        if account is not None:
            if not can(user, "read", account):
                raise ValidationError({"account": _("Select an account you can see.")})
            if not can(user, "edit", account):
                raise ValidationError(
                    {
                        "account": _(
                            "You may not edit the account %(name)s, so the lead cannot be "
                            "attached to it. Choose another account or create a new one."
                        )
                        % {"name": account}
                    }
                )
        if contact is not None:
            if (
                account is None
                or contact.account_id != account.pk
                or not can(user, "read", contact)
            ):
                raise ValidationError({"contact": _("Select a contact of the chosen account.")})
            if not can(user, "edit", contact):
                raise ValidationError(
                    {
                        "contact": _(
                            "You may not edit the contact %(name)s, so the lead cannot be "
                            "merged into it. Choose another contact or create a new one."
                        )
                        % {"name": contact}
                    }
                )

        configured = mappings()
        usable = [m for m in configured if not m.problem]
        skipped = [m for m in configured if m.problem]
        problems: list[str] = []
        plan = {}
        if account is None:
            values = {dst: getattr(locked, src) for src, dst in TO_ACCOUNT.items()}
            values["name"] = account_name.strip() or locked.company
            plan["account"] = (values, _custom_values(locked, "account", usable, problems))
        if contact is None:
            values = {dst: getattr(locked, src) for src, dst in TO_CONTACT.items()}
            plan["contact"] = (values, _custom_values(locked, "contact", usable, problems))
        if create_opportunity:
            values = {
                "name": opportunity_name.strip()
                or f"{(account.name if account else plan['account'][0]['name'])}-",
                "stage": default_picklist_value("opportunity", "stage"),
                "close_date": timezone.localdate() + datetime.timedelta(days=30),
                "lead_source": locked.lead_source,
            }
            plan["opportunity"] = (values, _custom_values(locked, "opportunity", usable, problems))
        for object_name, (values, custom) in plan.items():
            # The account link is filled when the records are made.
            linked = {**values, "account": True} if object_name != "account" else values
            problems += _missing_required(user, object_name, linked, custom)
        if problems:
            raise ValidationError(problems)

        # New records are created as the converting user, then handed to the chosen owner,
        # as Change Owner would: the converter may lose sight of them, as in Salesforce.
        created = []
        if account is None:
            values, custom = plan["account"]
            account = create_record(user, registry.get("account"), values, custom)
            created.append(account)
        if contact is None:
            values, custom = plan["contact"]
            contact = create_record(
                user, registry.get("contact"), {**values, "account": account}, custom
            )
            created.append(contact)
        opportunity = None
        if create_opportunity:
            values, custom = plan["opportunity"]
            opportunity = create_record(
                user, registry.get("opportunity"), {**values, "account": account}, custom
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
        tell_channel_manager(
            user, registry.get("lead"), locked, _("converted %(lead)s") % {"lead": locked}
        )
    return Conversion(account=account, contact=contact, opportunity=opportunity, skipped=skipped)
