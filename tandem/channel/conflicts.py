"""Conflict check for deal registrations: does Tandem already know this company or this person?

The check looks at every record (system code, run after the caller's access check), because
its point is to catch deals owned by someone else; what the reviewer is shown of each
conflict goes through the door (see `describe`).
"""

import datetime

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.sales.models import Account, Contact, Lead, Opportunity

# Addresses at these domains say nothing about the company someone works for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.com",
        "gmx.net",
        "proton.me",
        "protonmail.com",
        "mail.com",
        "yandex.com",
        "libero.it",
        "web.de",
        "qq.com",
        "163.com",
    }
)
LIMIT = 20  # of each kind: enough to warn, bounded for the page

ACCOUNT_NAME = "account_name"
ACCOUNT_DOMAIN = "account_domain"
OPPORTUNITY = "opportunity"
LEAD_COMPANY = "lead_company"
LEAD_EMAIL = "lead_email"
PROTECTED = "protected"
REGISTRATION = "registration"


def company_key(name: str) -> str:
    """A company name compared case- and space-insensitively: " ACME  Corp" == "acme corp"."""
    return "".join((name or "").lower().split())


def _key_expression(field: str):
    return Replace(Lower(field), Value(" "), Value(""))


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1].strip().lower() if "@" in (email or "") else ""


def company_domain(email: str) -> str:
    """The email's domain when it says which company the person is at (not a free-mail one)."""
    domain = email_domain(email)
    return "" if domain in FREE_MAIL_DOMAINS else domain


def find_conflicts(
    company: str, contact_email: str, partner_account_id: int, exclude_registration_id=None
) -> list[dict]:
    """Accounts, open opportunities, leads and other partners' registrations this deal may clash with."""
    from tandem.channel.models import DealRegistration

    key = company_key(company)
    email = (contact_email or "").strip()
    domain = company_domain(email)
    found: list[dict] = []

    by_name = set()
    if key:
        by_name = set(
            Account.objects.unrestricted()
            .annotate(_key=_key_expression("name"))
            .filter(_key=key)
            .order_by("pk")
            .values_list("pk", flat=True)[:LIMIT]
        )
    by_domain = set()
    if domain:
        contacts = Contact.objects.unrestricted().filter(
            email__iendswith=f"@{domain}", account__isnull=False
        )
        by_domain = set(
            Account.objects.unrestricted()
            .filter(Q(website__icontains=domain) | Q(pk__in=contacts.values("account_id")))
            .order_by("pk")
            .values_list("pk", flat=True)[:LIMIT]
        )
    found += [
        {"kind": ACCOUNT_NAME, "object_name": "account", "record_id": pk} for pk in sorted(by_name)
    ]
    found += [
        {"kind": ACCOUNT_DOMAIN, "object_name": "account", "record_id": pk}
        for pk in sorted(by_domain - by_name)
    ]
    accounts = by_name | by_domain
    if accounts:
        opportunities = (
            Opportunity.objects.unrestricted()
            .filter(account_id__in=sorted(accounts), is_closed=False)
            .order_by("pk")
            .values_list("pk", flat=True)[:LIMIT]
        )
        found += [
            {"kind": OPPORTUNITY, "object_name": "opportunity", "record_id": pk}
            for pk in opportunities
        ]

    lead_q = Q()
    if key:
        lead_q |= Q(_key=key)
    if email:
        lead_q |= Q(email__iexact=email)
    if lead_q:
        leads = (
            Lead.objects.unrestricted()
            .filter(is_converted=False)
            .annotate(_key=_key_expression("company"))
            .filter(lead_q)
            .order_by("pk")
            .values_list("pk", "_key", "email")[:LIMIT]
        )
        for pk, lead_key, lead_email in leads:
            same_email = bool(email) and (lead_email or "").lower() == email.lower()
            kind = LEAD_EMAIL if same_email else LEAD_COMPANY
            found.append({"kind": kind, "object_name": "lead", "record_id": pk})

    if key:
        others = (
            DealRegistration.objects.filter(company_key=key)
            .exclude(partner_account_id=partner_account_id)
            .exclude(pk=exclude_registration_id)
        )
        today = timezone.localdate()
        protected = others.filter(status=DealRegistration.APPROVED, protected_until__gte=today)
        for pk, until in protected.order_by("pk").values_list("pk", "protected_until")[:LIMIT]:
            found.append(
                {
                    "kind": PROTECTED,
                    "object_name": "registration",
                    "record_id": pk,
                    "until": until.isoformat(),
                }
            )
        pending = others.filter(status=DealRegistration.PENDING)
        found += [
            {"kind": REGISTRATION, "object_name": "registration", "record_id": pk}
            for pk in pending.order_by("pk").values_list("pk", flat=True)[:LIMIT]
        ]
    return found


def _reason(conflict: dict) -> str:
    kind = conflict["kind"]
    if kind == PROTECTED:
        until = conflict.get("until")
        try:
            shown = formats.date_format(datetime.date.fromisoformat(until), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            shown = until or ""
        return _(
            "Another partner registered this company; the deal is protected until %(date)s."
        ) % {"date": shown}
    return {
        ACCOUNT_NAME: _("An account with the same company name"),
        ACCOUNT_DOMAIN: _("An account with the contact's email domain"),
        OPPORTUNITY: _("An open opportunity at a matching account"),
        LEAD_COMPANY: _("A lead with the same company"),
        LEAD_EMAIL: _("A lead with the same email"),
        REGISTRATION: _("Another partner's pending registration for the same company"),
    }.get(kind, kind)


def describe(conflicts: list[dict], user) -> list[dict]:
    """The conflicts as the reviewer may see them: a link and a name only for what the door opens."""
    from tandem.channel.access import registrations_visible_to
    from tandem.channel.models import DealRegistration

    ids: dict[str, set[int]] = {}
    for c in conflicts:
        ids.setdefault(c["object_name"], set()).add(c["record_id"])
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for object_name, pks in ids.items():
        if object_name == "registration":
            rows = registrations_visible_to(user, "read").filter(pk__in=sorted(pks))
            for r in rows.select_related("partner_account"):
                label = f"{r.company} ({r.partner_account})"
                names[(object_name, r.pk)] = (
                    label,
                    reverse("channel:registration_review", args=[r.pk]),
                )
            continue
        obj_def = registry.find(object_name)
        if obj_def is None:
            continue
        for record in obj_def.model.objects.visible_to(user, "read").filter(pk__in=sorted(pks)):
            names[(object_name, record.pk)] = (str(record), record.get_absolute_url())
    out = []
    for c in conflicts:
        if c["object_name"] == "registration":
            type_label = str(DealRegistration._meta.verbose_name).capitalize()
        else:
            obj_def = registry.find(c["object_name"])
            type_label = obj_def.label if obj_def else c["object_name"]
        label, url = names.get((c["object_name"], c["record_id"]), ("", ""))
        out.append(
            {
                "kind": c["kind"],
                "reason": _reason(c),
                "type": type_label,
                "label": label or _("a record you do not have access to"),
                "url": url,
                "visible": bool(url),
                "protected": c["kind"] == PROTECTED,
            }
        )
    return out
