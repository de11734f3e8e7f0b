"""Demo data: Acme Robotics, a company that sells robots directly and through partners.

`load_demo("small")` is what `make run` loads on first run; `load_demo("large")` makes a
million leads for benchmarks. Both are deterministic: the same seed and the same day give
the same rows (dates are spread back from midnight UTC of `today`).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from tandem.activities.models import Event, Note, Task
from tandem.demo.company import DEMO_PASSWORD, LOGINS, build_org, partner_logins
from tandem.demo.features import finish_features, switch_on_features
from tandem.demo.pools import make_pools
from tandem.demo.records import SIZES, RecordGenerator
from tandem.demo.writer import finish, indexes_deferred, tune_for_bulk_load
from tandem.sales.models import Account, Contact, Lead, Opportunity

SEED = 20_240_601
BIG_TABLES = [Account, Contact, Lead, Opportunity, Task, Event, Note]
__all__ = ["DEMO_PASSWORD", "LOGINS", "SIZES", "demo_logins", "load_demo", "print_logins"]


def load_demo(
    size: str = "small",
    progress: bool = True,
    *,
    seed: int = SEED,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """Load the demo company into the current database; returns row counts per table."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    from tqdm import tqdm

    counts = SIZES[size]
    rng = random.Random(seed)
    today = today or datetime.datetime.now(datetime.UTC).date()
    anchor = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    pools = make_pools(seed, 3000 if size == "large" else 400)
    if size == "large":
        tune_for_bulk_load()
    with transaction.atomic():
        org = build_org(size, rng, pools, anchor)
        switch_on_features(org)
    bar = tqdm(
        total=counts.total,
        disable=not progress,
        unit=" rows",
        unit_scale=True,
        desc=f"Loading the {size} demo",
        smoothing=0.05,
        mininterval=0.5,
    )
    generator = RecordGenerator(counts, org, pools, rng, anchor, bar.update)
    say = print if progress else (lambda *a, **k: None)
    if size == "small":
        # Small enough for one transaction: a failure leaves nothing half-loaded.
        with bar, transaction.atomic():
            generator.run()
    else:
        with indexes_deferred(BIG_TABLES):
            with bar:
                generator.run()
            say("Building indexes...", flush=True)
    say("Refreshing planner statistics...", flush=True)
    finish(generator.written)
    say("Quotas, dashboards and sign-in history...", flush=True)
    with transaction.atomic():
        finish_features(org, rng, anchor)
    return {
        "users": len(org.users),
        "partner_accounts": len(org.partner_account_ids),
        "accounts": counts.accounts,
        "contacts": counts.contacts,
        "leads": counts.leads,
        "opportunities": counts.opportunities,
        "tasks": counts.tasks,
        "events": counts.events,
        "notes": counts.notes,
    }


def demo_logins() -> list[tuple[str, str, str]]:
    """(label, email, password) of every demo login, partners included."""
    return [(x.label, x.email, DEMO_PASSWORD) for x in [*LOGINS, *partner_logins()]]


def print_logins(only_existing: bool = False) -> None:
    logins = demo_logins()
    if only_existing:
        from tandem.access.models import User

        present = set(
            User.objects.filter(email__in=[e for _, e, _ in logins]).values_list("email", flat=True)
        )
        logins = [row for row in logins if row[1] in present]
        if not logins:
            return
    width = max(len(label) for label, _, _ in logins)
    print(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for label, email, _password in logins:
        print(f"  {label.ljust(width)}  {email}")
    print()
