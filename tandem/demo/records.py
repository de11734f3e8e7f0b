"""The demo company's business records: accounts, contacts, opportunities, leads, activities.

Rows are generated as tuples (see writer.py) with ids chosen up front, so each table is
written in one streaming pass and children point at parents without a query.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

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
from tandem.demo.writer import TableWriter, next_id
from tandem.sales.models import Account, Contact, Lead, Opportunity

DAY = 86_400


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

    def _write(self, model, columns, rows) -> None:
        TableWriter(model, columns).write(rows, self.tick)
        self.written.append(model)

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
        n = self.c.accounts
        owners = self.org.sales_owner_ids
        channel = self.org.channel_owner_ids or owners
        self.account_owner = []
        self.account_company = []

        def rows():
            for i in range(n):
                company = p.companies[i % len(p.companies)]
                kind = rng.choice(types)
                owner = rng.choice(channel if kind == "Customer - Channel" else owners)
                self.account_owner.append(owner)
                self.account_company.append(company)
                city, state, postal = rng.choice(p.places)
                at = self.when()
                yield (start + i, owner, owner, owner, at, at,
                       company if i < len(p.companies) else f"{company} ({city})",
                       f"AR-{start + i:07d}", kind, rng.choice(industries), rng.choice(ratings),
                       rng.choice(p.phones), f"https://www.{p.domain(company)}",
                       rng.randrange(1, 5000) * 100_000, rng.randrange(10, 20_000),
                       rng.choice(p.streets), city, state, postal, "United States")

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
            for i in range(self.c.contacts):
                # Every account gets a contact first, then the rest at random.
                a = i if i < n_acc else rng.randrange(n_acc)
                self.contact_account.append(a)
                owner = self.account_owner[a]
                first, last = rng.choice(p.first_names), rng.choice(p.last_names)
                company = self.account_company[a]
                city, state, postal = rng.choice(p.places)
                at = self.when()
                yield (start + i, owner, owner, owner, at, at, self.account_start + a,
                       rng.choice(salutations), first, last, rng.choice(p.titles),
                       rng.choice(DEPARTMENTS),
                       f"{first.lower()}.{last.lower()}@{p.domain(company)}".replace(" ", ""),
                       rng.choice(p.phones), rng.choice(sources), rng.choice(p.streets), city,
                       state, postal, "United States")

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

        def rows():
            for i in range(self.c.opportunities):
                a = rng.randrange(self.c.accounts)
                self.opp_account.append(a)
                owner = self.account_owner[a]
                stage = rng.choice(stages)
                info = self.pick.stages.get(stage)
                closed = bool(info and info.is_closed)
                at = self.when()
                close = (at + datetime.timedelta(days=rng.randrange(20, 200))).date()
                if not closed and close < self.anchor.date():
                    close = self.anchor.date() + datetime.timedelta(days=rng.randrange(5, 180))
                yield (start + i, owner, owner, owner, at, at, self.account_start + a,
                       f"{self.account_company[a]} - {rng.choice(PRODUCTS)}",
                       rng.randrange(5, 800) * 1000, "USD", close, stage,
                       info.probability if info else None,
                       info.forecast_category if info else "", rng.choice(types),
                       rng.choice(sources), closed, bool(info and info.is_won))

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
        n = self.c.leads
        queue_id = self.org.queue.pk if self.org.queue else None
        partner_leads = self.c.partner_leads_each * len(self.org.partner_user_ids)
        self.lead_owner = []

        def rows():
            for i in range(n):
                if i < self.c.queue_leads and queue_id:
                    owner, queue, creator = None, queue_id, self.org.admin_id
                elif i < self.c.queue_leads + partner_leads:
                    owner = self.org.partner_user_ids[i % len(self.org.partner_user_ids)]
                    queue, creator = None, owner
                else:
                    owner = rng.choice(self.org.sales_owner_ids)
                    queue, creator = None, owner
                self.lead_owner.append(owner)
                first, last = rng.choice(p.first_names), rng.choice(p.last_names)
                company = rng.choice(p.companies)
                city, state, postal = rng.choice(p.places)
                at = self.when(365)
                yield (start + i, owner, queue, creator, creator, at, at,
                       rng.choice(salutations), first, last, company, rng.choice(p.titles),
                       f"{first.lower()}.{last.lower()}@{p.domain(company)}".replace(" ", ""),
                       rng.choice(p.phones), rng.choice(statuses), rng.choice(sources),
                       rng.choice(ratings), rng.choice(industries),
                       rng.randrange(1, 2000) * 100_000, rng.randrange(5, 10_000),
                       rng.choice(p.streets), city, state, postal, "United States")

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
                done = at + datetime.timedelta(days=rng.randrange(0, 20)) if status in completed else None
                yield (start + i, owner, owner, owner, at, at, lead, contact, account, opp,
                       rng.choice(TASK_SUBJECTS), due, status, rng.choice(priorities),
                       rng.choice(task_types), done)

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
                yield (start + i, owner, owner, owner, at, at, lead, contact, account, opp,
                       rng.choice(EVENT_SUBJECTS), begin, end, place)

        self._write(Event, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                            "updated_at", "lead_id", "contact_id", "account_id",
                            "opportunity_id", "subject", "start", "end", "location"], events())

        start = next_id(Note)

        def notes():
            for i in range(self.c.notes):
                owner, lead, contact, account, opp = self._related()
                at = self.when(365)
                body = " ".join(rng.choice(p.sentences) for _ in range(3))
                yield (start + i, owner, owner, owner, at, at, lead, contact, account, opp,
                       rng.choice(NOTE_TITLES), body)

        self._write(Note, ["id", "owner_id", "created_by_id", "updated_by_id", "created_at",
                           "updated_at", "lead_id", "contact_id", "account_id",
                           "opportunity_id", "title", "body"], notes())

    def shares(self) -> None:
        """A few manual shares: reps opening one of their leads to a colleague."""
        rng = self.rng
        start = next_id(RecordShare)
        users = self.org.internal_user_ids

        def rows():
            for i in range(self.c.lead_shares):
                lead = rng.randrange(self.c.queue_leads, self.c.leads)
                owner = self.lead_owner[lead]
                yield (start + i, "lead", self.lead_start + lead, TARGET_USER, rng.choice(users),
                       rng.choice((READ, READ, READ_WRITE)), owner, self.anchor)

        self._write(RecordShare, ["id", "object_name", "record_id", "target_kind", "target_id",
                                  "access_level", "created_by_id", "created_at"], rows())
