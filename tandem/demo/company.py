"""The demo company's people: roles, users, partner accounts and their users, queue, rules.

Acme Robotics sells industrial robots directly (VP Sales and its regional teams) and
through resellers (VP Channel and its channel managers, each looking after partners).
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from tandem.access.hierarchy import rebuild_role_closure
from tandem.access.models import (
    READ,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    TARGET_USER,
    Group,
    GroupMember,
    Profile,
    Role,
    SharingRule,
    User,
)
from tandem.core.models import Company
from tandem.demo.pools import Pools
from tandem.sales.models import Account, Contact

COMPANY_NAME = "Acme Robotics"
DOMAIN = "tandem.demo"
# One password for every demo login; it passes Django's password validators (checked at load).
DEMO_PASSWORD = "Gears-and-Deals-26"

ADMIN = "System Administrator"
STANDARD = "Standard User"
READ_ONLY = "Read Only"
PARTNER = "Partner User"


@dataclass(frozen=True)
class Login:
    label: str
    email: str
    first_name: str
    last_name: str
    profile: str
    title: str


# The logins printed by `make run`, in the order shown.
LOGINS = [
    Login("Administrator", f"admin@{DOMAIN}", "Alex", "Morgan", ADMIN, "Salesforce Administrator"),
    Login("CEO", f"ceo@{DOMAIN}", "Catherine", "Reyes", STANDARD, "Chief Executive Officer"),
    Login("VP Sales", f"vp.sales@{DOMAIN}", "Daniel", "Okafor", STANDARD, "VP Sales"),
    Login("VP Channel", f"vp.channel@{DOMAIN}", "Priya", "Raman", STANDARD, "VP Channel Sales"),
    Login("Sales manager", f"sales.manager@{DOMAIN}", "Maria", "Lopez", STANDARD, "Regional Sales Manager"),
    Login("Sales rep", f"sales.rep@{DOMAIN}", "Sam", "Taylor", STANDARD, "Account Executive"),
    Login("Channel manager", f"channel.manager@{DOMAIN}", "Chris", "Novak", STANDARD, "Channel Manager"),
    Login("Marketing (sharing rules)", f"marketing@{DOMAIN}", "Olivia", "Chen", STANDARD, "Marketing Manager"),
    Login("Read-only analyst", f"analyst@{DOMAIN}", "Noah", "Fischer", READ_ONLY, "Business Analyst"),
]
# (account name, domain, partner user's first and last name, city, state)
PARTNERS = [
    ("Northwind Automation", "northwind.demo", "Lena", "Brandt", "Columbus", "OH"),
    ("Bluepeak Integration", "bluepeak.demo", "Marco", "Silva", "Denver", "CO"),
    ("Helix Industrial Systems", "helix.demo", "Aisha", "Karimi", "Rotterdam", ""),
]
REGIONS = ["West", "East", "Central", "South", "Northeast", "Northwest", "Midwest",
           "Southwest", "Canada", "Latin America"]
TERRITORIES = ["Americas", "EMEA", "APAC", "Nordics", "DACH", "Iberia"]


@dataclass
class Org:
    """What the record generator needs to know about the people it spreads records over."""

    users: dict[str, User] = field(default_factory=dict)  # email -> user
    roles: dict[str, Role] = field(default_factory=dict)  # name -> role
    sales_owner_ids: list[int] = field(default_factory=list)  # weighted: reps more often
    channel_owner_ids: list[int] = field(default_factory=list)
    partner_user_ids: list[int] = field(default_factory=list)
    internal_user_ids: list[int] = field(default_factory=list)
    partner_account_ids: list[int] = field(default_factory=list)
    queue: Group | None = None
    admin_id: int = 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def partner_logins() -> list[Login]:
    return [
        Login(f"Partner user ({name})", f"partner@{domain}", first, last, PARTNER, "Sales Lead")
        for name, domain, first, last, _city, _state in PARTNERS
    ]


def build_org(size: str, rng: random.Random, pools: Pools, anchor: datetime.datetime) -> Org:
    large = size == "large"
    profiles = {p.name: p for p in Profile.objects.all()}
    org = Org()
    password_hash = make_password(DEMO_PASSWORD)

    company = Company.current()
    company.name = COMPANY_NAME
    company.currency = "USD"
    company.time_zone = "America/Chicago"
    company.save()

    # --- roles: CEO > VPs > (directors >) managers > reps ------------------------------
    order = iter(range(1, 10_000))

    def role(name, parent=None, partner_account=None):
        r = Role.objects.create(
            name=name, parent=parent, partner_account=partner_account, sort_order=next(order)
        )
        org.roles[name] = r
        return r

    ceo = role("CEO")
    vp_sales = role("VP Sales", ceo)
    vp_channel = role("VP Channel", ceo)
    marketing = role("Marketing", ceo)
    finance = role("Finance", ceo)
    regions = REGIONS if large else REGIONS[:2]
    managers_per_region = 5 if large else 1
    manager_roles, rep_roles = [], []
    for region in regions:
        parent = role(f"Sales Director, {region}", vp_sales) if large else vp_sales
        for k in range(1, managers_per_region + 1):
            suffix = f"{region} {k}" if large else region
            m = role(f"Sales Manager, {suffix}", parent)
            manager_roles.append(m)
            rep_roles.append(role(f"Sales Rep, {suffix}", m))
    territories = TERRITORIES if large else TERRITORIES[:2]
    channel_roles = [role(f"Channel Manager, {t}", vp_channel) for t in territories]

    # --- internal users ---------------------------------------------------------------
    created = anchor - datetime.timedelta(days=800)
    pending: list[User] = []
    counter = iter(range(1, 1_000_000))

    def add(email, first, last, profile, role_obj, title, external=False, contact=None):
        u = User(
            email=email.lower(), first_name=first, last_name=last, title=title,
            profile=profiles[profile], role=role_obj, is_external=external, contact=contact,
            password=password_hash, created_at=created,
            phone=rng.choice(pools.phones),
        )
        pending.append(u)
        return u

    def generated(profile, role_obj, title):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        email = f"{_slug(first)}.{_slug(last)}{next(counter)}@{DOMAIN}"
        return add(email, first, last, profile, role_obj, title)

    fixed_roles = {
        "admin": None, "ceo": ceo, "vp.sales": vp_sales, "vp.channel": vp_channel,
        "sales.manager": manager_roles[0], "sales.rep": rep_roles[0],
        "channel.manager": channel_roles[0], "marketing": marketing, "analyst": finance,
    }
    for login in LOGINS:
        validate_password(DEMO_PASSWORD, User(email=login.email, first_name=login.first_name,
                                               last_name=login.last_name))
        add(login.email, login.first_name, login.last_name, login.profile,
            fixed_roles[login.email.split("@")[0]], login.title)
    if large:
        for region in regions:
            generated(STANDARD, org.roles[f"Sales Director, {region}"], "Sales Director")
    for m in manager_roles[1:]:
        generated(STANDARD, m, "Regional Sales Manager")
    for c in channel_roles[1:]:
        generated(STANDARD, c, "Channel Manager")
    generated(STANDARD, marketing, "Marketing Specialist")
    partner_count = 30 if large else len(PARTNERS)
    target_users = 2000 if large else 22
    reps_needed = target_users - len(pending) - partner_count
    for i in range(reps_needed):
        # sales.rep already sits in the first rep role; spread the others round-robin.
        generated(STANDARD, rep_roles[(i + 1) % len(rep_roles)], "Account Executive")
    User.objects.bulk_create(pending, batch_size=500)
    internal = list(User.objects.filter(is_external=False).order_by("pk"))
    org.users = {u.email: u for u in internal}
    org.internal_user_ids = [u.pk for u in internal]
    org.admin_id = org.users[f"admin@{DOMAIN}"].pk
    rep_role_ids = {r.pk for r in rep_roles}
    manager_role_ids = {r.pk for r in manager_roles}
    channel_role_ids = {r.pk for r in channel_roles}
    for u in internal:
        if u.role_id in rep_role_ids:
            org.sales_owner_ids += [u.pk] * 4
        elif u.role_id in manager_role_ids:
            org.sales_owner_ids.append(u.pk)
        elif u.role_id in channel_role_ids:
            org.channel_owner_ids.append(u.pk)

    # --- partners: account, contact, role under the channel manager, external user -------
    channel_managers = [u for u in internal if u.role_id in channel_role_ids]
    partner_specs = list(PARTNERS)
    while len(partner_specs) < partner_count:
        company_name = pools.companies[len(partner_specs) * 7 % len(pools.companies)]
        city, state, _zip = rng.choice(pools.places)
        partner_specs.append(
            (f"{company_name} Robotics Partners", pools.domain(company_name).replace(".example", ".demo"),
             rng.choice(pools.first_names), rng.choice(pools.last_names), city, state)
        )
    partner_users = []
    for i, (name, domain, first, last, city, state) in enumerate(partner_specs):
        # The first partner belongs to the printed channel manager login.
        manager = channel_managers[0] if i < 2 else channel_managers[i % len(channel_managers)]
        account = Account.objects.create(
            name=name, owner=manager, created_by=manager, updated_by=manager,
            type="Channel Partner / Reseller", industry="Technology", rating="Hot",
            website=f"https://www.{domain}", phone=rng.choice(pools.phones), city=city, state=state,
            country="Netherlands" if domain == "helix.demo" else "United States",
            is_partner=True, created_at=created, updated_at=created,
            description="Authorised Acme Robotics reseller and integrator.",
        )
        contact = Contact.objects.create(
            account=account, owner=manager, created_by=manager, updated_by=manager,
            first_name=first, last_name=last, title="Sales Lead", department="Sales",
            email=f"partner@{domain}" if i < len(PARTNERS) else f"{_slug(first)}.{_slug(last)}@{domain}",
            phone=rng.choice(pools.phones), created_at=created, updated_at=created,
        )
        partner_role = role(f"{name} Partner User", manager.role, partner_account=account)
        partner_users.append(
            add(contact.email, first, last, PARTNER, partner_role, "Sales Lead", external=True,
                contact=contact)
        )
        org.partner_account_ids.append(account.pk)
    pending.clear()
    User.objects.bulk_create(partner_users, batch_size=500)
    partner_users = list(User.objects.filter(is_external=True).order_by("pk"))
    org.partner_user_ids = [u.pk for u in partner_users]
    org.users.update({u.email: u for u in partner_users})
    rebuild_role_closure()

    # --- a queue of leads waiting for a partner to claim them ----------------------------
    queue = Group.objects.create(
        name="Partner Leads", kind=Group.KIND_QUEUE, queue_objects=["lead"],
        email=f"partner-leads@{DOMAIN}",
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=queue, kind=TARGET_USER, user=u) for u in partner_users
    )
    GroupMember.objects.create(group=queue, kind=TARGET_ROLE, role=channel_roles[0])
    org.queue = queue
    Company.objects.filter(pk=company.pk).update(
        default_lead_owner=org.users[f"sales.manager@{DOMAIN}"]
    )

    # --- sharing rules ----------------------------------------------------------------
    SharingRule.objects.bulk_create([
        SharingRule(
            object_name="lead", name="Trade show leads to Marketing",
            description="Marketing follows up every lead met at a trade show.",
            kind=SharingRule.KIND_CRITERIA,
            criteria=[{"field": "lead_source", "op": "equals", "value": "Trade Show"}],
            target_kind=TARGET_ROLE, target_id=marketing.pk, access_level=READ,
        ),
        SharingRule(
            object_name="lead", name="Partner referrals to Channel",
            kind=SharingRule.KIND_CRITERIA,
            criteria=[{"field": "lead_source", "op": "equals", "value": "Partner Referral"}],
            target_kind=TARGET_ROLE_SUBS, target_id=vp_channel.pk, access_level=READ,
        ),
        SharingRule(
            object_name="account", name="Direct accounts visible to Channel",
            kind=SharingRule.KIND_OWNER, source_kind=TARGET_ROLE_SUBS, source_id=vp_sales.pk,
            target_kind=TARGET_ROLE_SUBS, target_id=vp_channel.pk, access_level=READ,
        ),
        SharingRule(
            object_name="opportunity", name="Every deal to Finance",
            description="Finance reads the whole pipeline for forecasting and reporting.",
            kind=SharingRule.KIND_OWNER, source_kind=TARGET_ROLE_SUBS, source_id=ceo.pk,
            target_kind=TARGET_ROLE_SUBS, target_id=finance.pk, access_level=READ,
        ),
    ])
    return org
