"""The demo company's business records: accounts, contacts, opportunities, leads, activities.

Rows are generated as tuples (see writer.py) with ids chosen up front, so each table is
written in one streaming pass and children point at parents without a query.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import connection

from tandem.access.models import READ, READ_WRITE, TARGET_USER, RecordShare
from tandem.activities.models import Event, Note, Task
from tandem.core.defaults import STANDARD_PICKLISTS
from tandem.core.models import PicklistValue
from tandem.demo.company import Org
from tandem.demo.pools import (
    DEPARTMENTS,
    EVENT_SUBJECTS,
    NOTE_TITLES,
    PRODUCTS,
    TASK_SUBJECTS,
    Pools,
)
from tandem.demo.writer import TableWriter, db_timestamp, next_id
from tandem.sales.models import Account, Contact, Lead, Opportunity

DAY = 86_400
GEN_CHUNK = 50_000


@dataclass(frozen=True)
class Counts:
    accounts: int
    contacts: int
    leads: int
    opportunities: int
    tasks: int
    events: int
    notes: int
    lead_shares: int
    queue_leads: int
    partner_leads_each: int

    @property
    def total(self) -> int:
        return (self.accounts + self.contacts + self.leads + self.opportunities + self.tasks
                + self.events + self.notes + self.lead_shares)


SIZES = {
    "small": Counts(accounts=200, contacts=400, leads=500, opportunities=250, tasks=300,
                    events=150, notes=100, lead_shares=10, queue_leads=25, partner_leads_each=8),
    "large": Counts(accounts=200_000, contacts=400_000, leads=1_000_000, opportunities=300_000,
                    tasks=100_000, events=50_000, notes=20_000, lead_shares=5_000,
                    queue_leads=10_000, partner_leads_each=100),
}


class Picklists:
    """The active picklist values in the database (an administrator may have changed them)."""

    def __init__(self):
        self.values: dict[tuple[str, str], list[str]] = {}
        self.stages: dict[str, PicklistValue] = {}
        for pv in PicklistValue.objects.filter(is_active=True).order_by(
            "object_name", "field_name", "sort_order", "id"
        ):
            self.values.setdefault((pv.object_name, pv.field_name), []).append(pv.value)
            if (pv.object_name, pv.field_name) == ("opportunity", "stage"):
                self.stages[pv.value] = pv
        self.lead_statuses = list(
            PicklistValue.objects.filter(
                object_name="lead", field_name="status", is_active=True, is_converted=False
            ).order_by("sort_order", "id").values_list("value", flat=True)
        )

    def __call__(self, object_name: str, field_name: str) -> list[str]:
        found = self.values.get((object_name, field_name))
        if found:
            return found
        return [v if isinstance(v, str) else v["value"]
                for v in STANDARD_PICKLISTS.get((object_name, field_name), [])]


def weighted(pairs: list[tuple[str, int]], allowed: list[str]) -> list[str]:
    """A list to rng.choice() from, repeating each allowed value by its weight."""
    out = [v for v, w in pairs for _ in range(w) if v in allowed]
    return out or list(allowed)


class RecordGenerator:
    def __init__(self, counts: Counts, org: Org, pools: Pools, rng: random.Random,
                 anchor: datetime.datetime, tick):
        self.c = counts
        self.org = org
        self.p = pools
        self.rng = rng
        self.anchor = anchor
        self.tick = tick
        self.pick = Picklists()
        self.written: list[type] = []

    # -- helpers --
    def when(self, max_days: int = 730) -> datetime.datetime:
        return self.anchor - datetime.timedelta(seconds=self.rng.randrange(max_days * DAY))

    def stamps(self, n: int, max_days: int = 730) -> list:
        """`n` creation times over the last `max_days`, formatted for the database."""
        base = self.anchor
        offsets = self.rng.choices(range(max_days * DAY), k=n)
        if connection.vendor == "sqlite":
            base = base.replace(tzinfo=None)
            return [str(base - datetime.timedelta(seconds=s)) for s in offsets]
        return [base - datetime.timedelta(seconds=s) for s in offsets]

    def _write(self, model, columns, rows) -> None:
        TableWriter(model, columns).write(rows, self.tick)
        self.written.append(model)

    def chunks(self, n: int):
        """(first index, size) pairs; columns are generated a chunk at a time with choices()."""
        for first in range(0, n, GEN_CHUNK):
            yield first, min(GEN_CHUNK, n - first)

    # -- tables --
    def run(self) -> None:
        self.accounts()
        self.contacts()
        self.opportunities()
        self.leads()
        self.activities()
        self.shares()

    def accounts(self) -> None:
        rng, p, pick = self.rng, self.p, self.pick
        types = weighted([("Customer - Direct", 5), ("Prospect", 4), ("Customer - Channel", 2)],
                         pick("account", "type"))
        industries, ratings = pick("account", "industry"), pick("account", "rating")
        self.account_start = start = next_id(Account)
        owners = self.org.sales_owner_ids
        channel = self.org.channel_owner_ids or owners
        self.account_owner = []
        self.account_company = []
        companies = p.companies

        def rows():
            for first, m in self.chunks(self.c.accounts):
                kinds = rng.choices(types, k=m)
                direct, partner = rng.choices(owners, k=m), rng.choices(channel, k=m)
                own = [partner[j] if kinds[j] == "Customer - Channel" else direct[j] for j in range(m)]
                names = [companies[(first + j) % len(companies)] for j in range(m)]
                self.account_owner += own
                self.account_company += names
                places = rng.choices(p.places, k=m)
                at = self.stamps(m)
                for j, (ind, rat, phone, rev, emp, street) in enumerate(zip(
                    rng.choices(industries, k=m), rng.choices(ratings, k=m),
                    rng.choices(p.phones, k=m), rng.choices(range(1, 5000), k=m),
                    rng.choices(range(10, 20_000), k=m), rng.choices(p.streets, k=m),
                )):
                    i = first + j
                    city, state, postal = places[j]
                    name = names[j] if i < len(companies) else f"{names[j]} ({city})"
                    yield (start + i, own[j], own[j], own[j], at[j], at[j], name,
                           f"AR-{start + i:07d}", kinds[j], ind, rat, phone,
                           f"https://www.{p.domain(names[j])}", rev * 100_000, emp, street,
                           city, state, postal, "United States")

        self._write(Account, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                              "updated_at", "name", "account_number", "type", "industry",
                              "rating", "phone", "website", "annual_revenue",
                              "number_of_employees", "street", "city", "state", "postal_code",
                              "country"], rows())

    def contacts(self) -> None:
        rng, p, pick = self.rng, self.p, self.pick
        salutations, sources = pick("contact", "salutation"), pick("contact", "lead_source")
        start = self.contact_start = next_id(Contact)
        n_acc = self.c.accounts
        self.contact_account = []

        def rows():
            for first, m in self.chunks(self.c.contacts):
                # Every account gets a contact first, then the rest at random.
                accts = [i if i < n_acc else rng.randrange(n_acc) for i in range(first, first + m)]
                self.contact_account += accts
                places = rng.choices(p.places, k=m)
                at = self.stamps(m)
                for j, (a, sal, fn, ln, title, dept, phone, src, street) in enumerate(zip(
                    accts, rng.choices(salutations, k=m), rng.choices(p.first_names, k=m),
                    rng.choices(p.last_names, k=m), rng.choices(p.titles, k=m),
                    rng.choices(DEPARTMENTS, k=m), rng.choices(p.phones, k=m),
                    rng.choices(sources, k=m), rng.choices(p.streets, k=m),
                )):
                    owner = self.account_owner[a]
                    city, state, postal = places[j]
                    email = f"{fn}.{ln}@{p.domain(self.account_company[a])}".lower().replace(" ", "")
                    yield (start + first + j, owner, owner, owner, at[j], at[j],
                           self.account_start + a, sal, fn, ln, title, dept, email, phone, src,
                           street, city, state, postal, "United States")

        self._write(Contact, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                              "updated_at", "account_id", "salutation", "first_name",
                              "last_name", "title", "department", "email", "phone",
                              "lead_source", "street", "city", "state", "postal_code",
                              "country"], rows())

    def opportunities(self) -> None:
        rng, pick = self.rng, self.pick
        stage_names = list(self.pick.stages) or pick("opportunity", "stage")
        stages = weighted([("Prospecting", 5), ("Qualification", 4), ("Needs Analysis", 3),
                           ("Value Proposition", 3), ("Id. Decision Makers", 2),
                           ("Perception Analysis", 1), ("Proposal/Price Quote", 2),
                           ("Negotiation/Review", 2), ("Closed Won", 4), ("Closed Lost", 3)],
                          stage_names)
        types, sources = pick("opportunity", "type"), pick("opportunity", "lead_source")
        start = self.opp_start = next_id(Opportunity)
        self.opp_account = []
        today = self.anchor.date()
        days = [datetime.timedelta(days=d) for d in range(400)]

        def rows():
            for first, m in self.chunks(self.c.opportunities):
                accts = rng.choices(range(self.c.accounts), k=m)
                self.opp_account += accts
                offsets = rng.choices(range(730), k=m)
                for j, (a, stage, product, amount, typ, src, dur, ahead) in enumerate(zip(
                    accts, rng.choices(stages, k=m), rng.choices(PRODUCTS, k=m),
                    rng.choices(range(5, 800), k=m), rng.choices(types, k=m),
                    rng.choices(sources, k=m), rng.choices(range(20, 200), k=m),
                    rng.choices(range(5, 180), k=m),
                )):
                    owner = self.account_owner[a]
                    info = self.pick.stages.get(stage)
                    closed = bool(info and info.is_closed)
                    created = self.anchor - datetime.timedelta(days=offsets[j], seconds=j % DAY)
                    close = created.date() + days[dur]
                    if not closed and close < today:
                        close = today + days[ahead]
                    at = db_timestamp(created)
                    yield (start + first + j, owner, owner, owner, at, at, self.account_start + a,
                           f"{self.account_company[a]} - {product}", amount * 1000, "USD", close,
                           stage, info.probability if info else None,
                           info.forecast_category if info else "", typ, src, closed,
                           bool(info and info.is_won))

        self._write(Opportunity, ["id", "owner_id", "created_by_id", "updated_by_id",
                                  "created_at", "updated_at", "account_id", "name", "amount",
                                  "currency", "close_date", "stage", "probability",
                                  "forecast_category", "type", "lead_source", "is_closed",
                                  "is_won"], rows())

    def leads(self) -> None:
        rng, p, pick = self.rng, self.p, self.pick
        statuses = weighted([("Open - Not Contacted", 5), ("Working - Contacted", 3),
                             ("Closed - Not Converted", 2)],
                            self.pick.lead_statuses or pick("lead", "status"))
        sources = weighted([("Web", 6), ("Trade Show", 2), ("Partner Referral", 2),
                            ("Phone Inquiry", 2), ("Email Campaign", 3), ("Landing Page", 2),
                            ("Word of mouth", 1), ("Purchased List", 1), ("Social Network", 1),
                            ("Other", 1)], pick("lead", "lead_source"))
        ratings, industries = pick("lead", "rating"), pick("lead", "industry")
        salutations = pick("lead", "salutation")
        start = self.lead_start = next_id(Lead)
        queue_id = self.org.queue.pk if self.org.queue else None
        partners = self.org.partner_user_ids
        n_queue = self.c.queue_leads if queue_id else 0
        n_partner = self.c.partner_leads_each * len(partners)
        self.lead_owner = []
        admin = self.org.admin_id

        def rows():
            for first, m in self.chunks(self.c.leads):
                owners = rng.choices(self.org.sales_owner_ids, k=m)
                for j in range(m):
                    i = first + j
                    if i < n_queue:
                        owners[j] = None
                    elif i < n_queue + n_partner:
                        owners[j] = partners[i % len(partners)]
                self.lead_owner += owners
                places = rng.choices(p.places, k=m)
                at = self.stamps(m, 365)
                for j, (owner, sal, fn, ln, company, title, phone, status, src, rating, ind,
                        rev, emp, street) in enumerate(zip(
                    owners, rng.choices(salutations, k=m), rng.choices(p.first_names, k=m),
                    rng.choices(p.last_names, k=m), rng.choices(p.companies, k=m),
                    rng.choices(p.titles, k=m), rng.choices(p.phones, k=m),
                    rng.choices(statuses, k=m), rng.choices(sources, k=m),
                    rng.choices(ratings, k=m), rng.choices(industries, k=m),
                    rng.choices(range(1, 2000), k=m), rng.choices(range(5, 10_000), k=m),
                    rng.choices(p.streets, k=m),
                )):
                    city, state, postal = places[j]
                    queue = queue_id if owner is None else None
                    creator = admin if owner is None else owner
                    email = f"{fn}.{ln}@{p.domain(company)}".lower().replace(" ", "")
                    yield (start + first + j, owner, queue, creator, creator, at[j], at[j], sal,
                           fn, ln, company, title, email, phone, status, src, rating, ind,
                           rev * 100_000, emp, street, city, state, postal, "United States")

        self._write(Lead, ["id", "owner_id", "owner_queue_id", "created_by_id", "updated_by_id",
                           "created_at", "updated_at", "salutation", "first_name", "last_name",
                           "company", "title", "email", "phone", "status", "lead_source",
                           "rating", "industry", "annual_revenue", "number_of_employees",
                           "street", "city", "state", "postal_code", "country"], rows())

    def _related(self):
        """A random (owner, lead, contact, account, opportunity) an activity can hang on."""
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            for _ in range(20):
                i = rng.randrange(self.c.leads)
                if self.lead_owner[i] is not None:
                    return self.lead_owner[i], self.lead_start + i, None, None, None
        if kind == 1:
            o = rng.randrange(self.c.opportunities)
            a = self.opp_account[o]
            return self.account_owner[a], None, None, self.account_start + a, self.opp_start + o
        c = rng.randrange(self.c.contacts)
        a = self.contact_account[c]
        return self.account_owner[a], None, self.contact_start + c, self.account_start + a, None

    def activities(self) -> None:
        rng, p, pick = self.rng, self.p, self.pick
        statuses = weighted([("Not Started", 4), ("In Progress", 2), ("Completed", 5),
                             ("Waiting on someone else", 1), ("Deferred", 1)],
                            pick("task", "status"))
        priorities = weighted([("High", 1), ("Normal", 4), ("Low", 1)], pick("task", "priority"))
        task_types = pick("task", "task_type")
        completed = {v.value for v in PicklistValue.objects.filter(
            object_name="task", field_name="status", is_closed=True)} or {"Completed"}
        start = next_id(Task)

        def tasks():
            for i in range(self.c.tasks):
                owner, lead, contact, account, opp = self._related()
                at = self.when(365)
                due = (at + datetime.timedelta(days=rng.randrange(1, 30))).date()
                status = rng.choice(statuses)
                if status not in completed:
                    # Open work is due around now: a few days late at most, mostly ahead.
                    due = self.anchor.date() + datetime.timedelta(days=rng.randrange(-4, 22))
                done = at + datetime.timedelta(days=rng.randrange(0, 20)) if status in completed else None
                ts = db_timestamp(at)
                yield (start + i, owner, owner, owner, ts, ts, lead, contact, account, opp,
                       rng.choice(TASK_SUBJECTS), due, status, rng.choice(priorities),
                       rng.choice(task_types), done and db_timestamp(done))

        self._write(Task, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                           "updated_at", "lead_id", "contact_id", "account_id",
                           "opportunity_id", "subject", "due_date", "status", "priority",
                           "task_type", "completed_at"], tasks())

        start = next_id(Event)

        def events():
            for i in range(self.c.events):
                owner, lead, contact, account, opp = self._related()
                at = self.when(365)
                day = self.anchor.date() + datetime.timedelta(days=rng.randrange(-90, 60))
                begin = datetime.datetime.combine(
                    day, datetime.time(rng.randrange(8, 17), rng.choice((0, 30))),
                    tzinfo=datetime.UTC,
                )
                end = begin + datetime.timedelta(minutes=rng.choice((30, 60, 90)))
                place = rng.choice(("Zoom", "Customer site", "Acme HQ, Chicago", "Microsoft Teams"))
                ts = db_timestamp(at)
                yield (start + i, owner, owner, owner, ts, ts, lead, contact, account, opp,
                       rng.choice(EVENT_SUBJECTS), db_timestamp(begin), db_timestamp(end), place)

        self._write(Event, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                            "updated_at", "lead_id", "contact_id", "account_id",
                            "opportunity_id", "subject", "start", "end", "location"], events())

        start = next_id(Note)

        def notes():
            for i in range(self.c.notes):
                owner, lead, contact, account, opp = self._related()
                at = self.when(365)
                body = " ".join(rng.choice(p.sentences) for _ in range(3))
                ts = db_timestamp(at)
                yield (start + i, owner, owner, owner, ts, ts, lead, contact, account, opp,
                       rng.choice(NOTE_TITLES), body)

        self._write(Note, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                           "updated_at", "lead_id", "contact_id", "account_id",
                           "opportunity_id", "title", "body"], notes())

    def shares(self) -> None:
        """A few manual shares: reps opening one of their leads to a colleague."""
        rng = self.rng
        start = next_id(RecordShare)
        users = sorted(set(self.org.sales_owner_ids))

        def rows():
            for i in range(self.c.lead_shares):
                lead = rng.randrange(self.c.queue_leads, self.c.leads)
                owner = self.lead_owner[lead]
                yield (start + i, "lead", self.lead_start + lead, TARGET_USER, rng.choice(users),
                       rng.choice((READ, READ, READ_WRITE)), owner, db_timestamp(self.anchor))

        self._write(RecordShare, ["id", "object_name", "record_id", "target_kind", "target_id",
                                  "access_level", "created_by_id", "created_at"], rows())
