"""Benchmark: the first page of the Leads list on the large demo, against a raw SQL floor.

    .venv/bin/python bench/list_view.py                 # SQLite under var/bench/
    .venv/bin/python bench/list_view.py --database-url postgres://postgres@127.0.0.1:5432/tandem_bench

The data lives apart from your own: SQLite in BENCH_DATA_DIR (default var/bench), or the
PostgreSQL database you name (created if missing). The first run loads the large demo
(1,000,000 leads) there, which takes a few minutes; later runs reuse it.

For each persona (an administrator, a sales rep at the bottom of a five-level hierarchy, and
a marketing user who sees leads only through a criteria sharing rule) it measures, in one run:
- sql: the SQL the Leads list runs for its first page (50 rows, newest first: the door's
  branches read top-N each and merged, tandem.access.door.visible_page) executed raw,
  against the floor: the same SELECT with no access predicate, raw;
- query: what the door costs a request (resolve the user's principals, evaluate the page
  through the ORM), against the same ORM query with no access predicate;
- page: GET /leads/ through Django's test client (middleware, door, query, template).
Each figure is the median of --repeat runs after warm-up; each persona's figures and their
floors are timed alternately, so the machine's load weighs on both alike. The query plan is
printed for a persona that misses the target (or for all with --explain).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import configure, machine, migrated_database

PERSONAS = [
    ("administrator", "admin@tandem.demo"),
    ("sales rep (level 5)", "sales.rep@tandem.demo"),
    ("sharing rule user", "marketing@tandem.demo"),
]
TARGET_RATIO = 1.5
TARGET_MS = 50.0
# Wall-clock by default; --cpu-time measures this process's CPU time instead, which on SQLite
# (in-process) is the server's work and stays stable when other jobs share the machine.
clock = time.perf_counter


def ensure_data(progress: bool) -> None:
    from tandem.access.models import User
    from tandem.demo import load_demo
    from tandem.sales.models import Lead

    migrated_database()
    if Lead.objects.unrestricted().count() >= 1_000_000:
        return
    if User.objects.exists():
        sys.exit(
            "The benchmark database has data but not the large demo; point it at an empty one."
        )
    print("Loading the large demo (once; later runs reuse it)...", flush=True)
    started = time.perf_counter()
    load_demo("large", progress=progress)
    print(f"Loaded in {time.perf_counter() - started:.0f}s", flush=True)


def ensure_sharing_rule():
    """The marketing user's access comes only from a criteria rule on the lead source."""
    from tandem.access.models import READ, TARGET_ROLE, SharingRule, User

    marketing = User.objects.get(email="marketing@tandem.demo")
    SharingRule.objects.get_or_create(
        object_name="lead",
        name="Trade show leads to Marketing",
        defaults={
            "kind": SharingRule.KIND_CRITERIA,
            "criteria": [{"field": "lead_source", "op": "equals", "value": "Trade Show"}],
            "target_kind": TARGET_ROLE,
            "target_id": marketing.role_id,
            "access_level": READ,
        },
    )


def median_ms(fn, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def fresh_user(email):
    from tandem.access.models import User

    return User.objects.select_related("profile").get(email=email)


def page_query(user):
    """The Leads list's first page as the list reads it: the door's branches, top 50 each."""
    from tandem.access.door import page_queryset
    from tandem.sales.models import Lead

    return page_queryset(
        Lead.objects.unrestricted().order_by("-created_at", "-id"), user, "read", 0, 50
    )


def plain_query(user):
    """The same page as one visible_to() predicate (the shape measured before the fix)."""
    from tandem.sales.models import Lead

    return Lead.objects.visible_to(user, "read").order_by("-created_at", "-id")[:50]


def floor_sql() -> str:
    from tandem.sales.models import Lead

    qs = Lead.objects.unrestricted().order_by("-created_at", "-id")[:50]
    sql, params = qs.query.sql_with_params()
    assert not params
    return sql


def explain(qs) -> str:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"    {r[-1]}" for r in rows)
    return "\n".join(f"    {r[0]}" for r in rows)


def run_raw(sql: str, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_ms(sql: str, params, repeat: int) -> float:
    return median_ms(lambda: run_raw(sql, params), repeat)


def paired_ms(measured, floor, repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Medians of `measured()` and `floor()` timed alternately, so that a change in the
    machine's load during the run weighs on both alike. Each returns its own elapsed ms."""
    pairs = [(measured(), floor()) for _ in range(warmup + repeat)][warmup:]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def timed(fn):
    def run():
        started = clock()
        fn()
        return (clock() - started) * 1000

    return run


def request_query(email: str):
    """What the door adds to a request: resolve what it needs of the user, then run the page.

    The user row itself is loaded before the clock starts: the session middleware loads it
    for every request, with or without the door, so the floor does not pay for it either.
    The page resolves the user's principals itself (roles, groups, defaults), unless the
    profile's View All / Modify All makes them irrelevant.
    """

    def run():
        user = fresh_user(email)
        started = clock()
        list(page_query(user))
        return (clock() - started) * 1000

    return run


def measure(label: str, email: str, args) -> bool:
    from django.db import connection
    from django.test import Client

    from tandem.sales.models import Lead

    user = fresh_user(email)
    qs = page_query(user)
    page = [r.pk for r in qs]
    rows = len(page)
    if page != [r.pk for r in plain_query(fresh_user(email))]:
        sys.exit(f"{label}: the list's page differs from visible_to()'s; the numbers would lie")
    sql, params = qs.query.sql_with_params()
    floor = floor_sql()
    sql_ms, sql_floor = paired_ms(
        timed(lambda: run_raw(sql, params)), timed(lambda: run_raw(floor, ())), args.repeat
    )
    floor_qs = Lead.objects.unrestricted().order_by("-created_at", "-id")[:50]
    query_ms, orm_floor = paired_ms(
        request_query(email), timed(lambda: list(floor_qs.all())), args.repeat
    )
    client = Client()
    client.force_login(user)
    page_ms = float("nan")
    if client.get("/leads/").status_code == 200:
        page_ms = median_ms(lambda: client.get("/leads/"), max(5, args.repeat // 3))
    sql_ratio = sql_ms / sql_floor
    query_ratio = query_ms / orm_floor
    ok = sql_ratio <= TARGET_RATIO and query_ratio <= TARGET_RATIO
    if connection.vendor == "sqlite":
        ok = ok and query_ms <= TARGET_MS
    verdict = "ok" if ok else "MISSES"
    print(
        f"{label:<22}{rows:>5}{sql_ms:>8.2f}{sql_floor:>7.2f}{sql_ratio:>7.2f}x"
        f"{query_ms:>9.2f}{orm_floor:>7.2f}{query_ratio:>7.2f}x{page_ms:>9.1f}  {verdict}"
    )
    if args.explain or not ok:
        print(f"  plan for {label}:\n{explain(qs)}")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA_DIR", "var/bench"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print each query plan")
    parser.add_argument("--quiet", action="store_true", help="no progress bar while loading")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="measure process CPU time (SQLite only: PostgreSQL works in another process)",
    )
    args = parser.parse_args(argv)
    global clock
    if args.cpu_time:
        if args.database_url:
            parser.error("--cpu-time measures only this process: use it with SQLite")
        clock = time.process_time
    configure(args)
    ensure_data(progress=not args.quiet)
    ensure_sharing_rule()

    print(f"Machine: {machine()}")
    print(f"Clock: {'process CPU time' if clock is time.process_time else 'wall clock'}")
    header = (
        f"{'persona':<22}{'rows':>5}{'sql ms':>8}{'floor':>7}{'ratio':>8}"
        f"{'query ms':>9}{'floor':>7}{'ratio':>8}{'page ms':>9}  target"
    )
    print()
    print(header)
    print("-" * len(header))
    results = [measure(label, email, args) for label, email in PERSONAS]
    print(
        "\nsql   = the list's SQL for the page (door branches top-50 each, merged), executed raw;"
        "\n        floor = the 50 newest leads with no access predicate, raw, timed alternately."
        "\nquery = resolve the user's principals, evaluate that page through the ORM;"
        "\n        floor = the same ORM query with no access predicate, timed alternately."
        "\npage  = GET /leads/ through Django's test client (middleware, door, template)."
        f"\ntarget: both ratios <= {TARGET_RATIO}x and query < {TARGET_MS:.0f} ms on SQLite."
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
