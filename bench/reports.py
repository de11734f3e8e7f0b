"""Benchmark: the Opportunity Pipeline report on 1,000,000 opportunities, against raw SQL.

    .venv/bin/python bench/reports.py                  # SQLite under var/bench-reports/
    .venv/bin/python bench/reports.py --cpu-time       # process CPU time (loaded machine)
    .venv/bin/python bench/reports.py --database-url postgres://postgres@127.0.0.1:5432/tandem_bench_reports

The data lives apart from your own: SQLite in BENCH_DATA_DIR (default var/bench-reports),
or the PostgreSQL database you name (created if missing). The first run loads the large
demo with the opportunities raised to 1,000,000 (and the leads lowered to 100,000: this
benchmark does not read them), which takes many minutes; later runs reuse it.

In one run it measures, as the median of --repeat runs after warm-up:
- floor: the same aggregate in raw SQL (open opportunities grouped by stage and owner,
  with the owner's name, record count and sum of amount), with no access predicate;
- report: the Opportunity Pipeline standard report's summary through the engine
  (definition checked, the door, groups, subtotals and grand total), as an administrator
  and as a sales rep at the bottom of a five-level hierarchy;
- door sql: the rep's grouped query as the engine builds it, executed raw;
- export: CSV export of the administrator's rows (all opportunities, >= 100,000 rows),
  in rows per second, through the same writer the Export CSV button streams.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import configure, machine, migrated_database

OPPORTUNITIES = 1_000_000
LEADS = 100_000
PERSONAS = [
    ("administrator", "admin@tandem.demo"),
    ("sales rep (level 5)", "sales.rep@tandem.demo"),
]
TARGET_RATIO = 1.3
TARGET_MS = 1000.0
TARGET_EXPORT = 100_000  # rows per second
clock = time.perf_counter


def ensure_data(progress: bool) -> None:
    from tandem.access.models import User
    from tandem.demo import load_demo, records
    from tandem.sales.models import Opportunity

    migrated_database()
    if Opportunity.objects.unrestricted().count() >= OPPORTUNITIES:
        return
    if User.objects.exists():
        sys.exit(
            "The benchmark database has data but not this benchmark's; point it at an empty one."
        )
    # The large demo, with the opportunities this benchmark needs (the loader reads SIZES).
    records.SIZES["large"] = dataclasses.replace(
        records.SIZES["large"], opportunities=OPPORTUNITIES, leads=LEADS
    )
    print("Loading the large demo with 1,000,000 opportunities (once)...", flush=True)
    started = time.perf_counter()
    load_demo("large", progress=progress)
    print(f"Loaded in {time.perf_counter() - started:.0f}s", flush=True)


def median_ms(fn, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def floor_sql() -> str:
    """The pipeline aggregate written by hand: the least any implementation must do."""
    from tandem.access.models import User
    from tandem.sales.models import Opportunity

    opp, user = Opportunity._meta.db_table, User._meta.db_table
    return (
        f"SELECT o.stage, o.owner_id, u.first_name, u.last_name, COUNT(*), SUM(o.amount) "
        f'FROM "{opp}" o JOIN "{user}" u ON u.id = o.owner_id '
        f"WHERE NOT o.is_closed GROUP BY o.stage, o.owner_id, u.first_name, u.last_name"
    )


def raw_ms(sql: str, params, repeat: int) -> tuple[float, int]:
    from django.db import connection

    out = []

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            out[:] = cursor.fetchall()

    ms = median_ms(run, repeat)
    return ms, len(out)


def pipeline():
    from tandem.reports.standard import standard_definitions

    d = next(x for x in standard_definitions() if x["key"] == "opportunity_pipeline")
    return d["type"], d["definition"]


def fresh_user(email):
    from tandem.access.models import User

    return User.objects.select_related("profile", "role").get(email=email)


def report_ms(email: str, repeat: int) -> tuple[float, dict]:
    """Prepare the saved definition and compute its summary for a freshly loaded user."""
    from tandem.reports import engine

    rtype, definition = pipeline()
    out = {}

    def run():
        user = fresh_user(email)
        p = engine.prepare(rtype, definition)
        out["result"] = engine.run(p, user)

    return median_ms(run, repeat), out["result"]


def door_sql(email: str):
    """The finest grouped query the engine runs for this user, as SQL and parameters."""
    from tandem.reports import engine

    rtype, definition = pipeline()
    p = engine.prepare(rtype, definition)
    ctx = engine.Context.current()
    qs = engine.grouped_queryset(
        engine.base_queryset(p, fresh_user(email), ctx), p.groupings, p, ctx
    )
    return qs.query.sql_with_params()


def export_rate(email: str, limit_s: float, sorted_: bool) -> tuple[int, float, float]:
    """(rows, rows per second, seconds to the first row) of the CSV export, fully consumed.

    `sorted_` keeps the report's sort (largest amount first: the database sorts every row
    before the first leaves); otherwise rows stream in id order.
    """
    from tandem.reports import engine
    from tandem.reports.exports import csv_response

    rtype, definition = pipeline()
    # Every opportunity, with the report's columns: more than 100,000 rows.
    definition = {**definition, "format": "tabular", "filters": [], "groupings": []}
    if not sorted_:
        definition["sort"] = ""
    p = engine.prepare(rtype, definition)
    user = fresh_user(email)
    response = csv_response(p, user, "export")
    rows = -1  # the header line
    first = None
    started = clock()
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        if first is None and rows > 0:
            first = clock() - started
        if clock() - started > limit_s and rows >= 100_000:
            break
    elapsed = clock() - started
    return rows, rows / elapsed, first or 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA_DIR", "var/bench-reports"))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--load-only", action="store_true", help="build the data and stop")
    parser.add_argument("--quiet", action="store_true", help="no progress bar while loading")
    parser.add_argument(
        "--export-seconds",
        type=float,
        default=20.0,
        help="stop the export after this long (once past 100,000 rows)",
    )
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
    if args.load_only:
        return 0

    from tandem.sales.models import Opportunity

    print(f"Machine: {machine()}")
    print(f"Clock: {'process CPU time' if clock is time.process_time else 'wall clock'}")
    print(f"Opportunities: {Opportunity.objects.unrestricted().count():,}")
    floor, groups = raw_ms(floor_sql(), (), args.repeat)
    print(
        f"\nFloor (raw SQL, stage x owner, count and sum, no access predicate): "
        f"{floor:.1f} ms, {groups} groups\n"
    )
    header = f"{'persona':<22}{'groups':>7}{'open':>9}{'report ms':>11}{'ratio':>8}{'door sql ms':>13}  target"
    print(header)
    print("-" * len(header))
    ok = True
    for label, email in PERSONAS:
        ms, result = report_ms(email, args.repeat)
        s = result["summary"]
        n = sum(len(g["children"]) for g in s["groups"])
        sql, params = door_sql(email)
        door, _ = raw_ms(sql, params, args.repeat)
        ratio = ms / floor
        good = ratio <= TARGET_RATIO or label != "administrator"
        from django.db import connection

        if connection.vendor == "sqlite":
            good = good and ms <= TARGET_MS
        ok = ok and good
        print(
            f"{label:<22}{n:>7}{s['total']['count']:>9,}{ms:>11.1f}{ratio:>7.2f}x{door:>13.1f}"
            f"  {'ok' if good else 'MISSES'}"
        )
    export_ok = True
    for sorted_ in (True, False):
        rows, rate, first = export_rate(PERSONAS[0][1], args.export_seconds, sorted_)
        good = rate >= TARGET_EXPORT
        export_ok = export_ok and good
        order = "in the report's order (-amount)" if sorted_ else "in id order (no sort)"
        print(
            f"\nCSV export as the administrator, {order}: {rows:,} rows at {rate:,.0f} rows/s "
            f"(first row after {first:.2f} s)  {'ok' if good else 'MISSES'}"
        )
    ok = ok and export_ok
    print(
        "\nreport = prepare the saved definition and run it (door, groups, subtotals, total)"
        "\n         for a freshly loaded user; ratio to the raw SQL floor."
        "\ndoor sql = the engine's grouped query for that user, executed raw (the rep's"
        "\n         sees fewer rows, so it can be faster than the administrator's floor)."
        f"\ntarget: administrator within {TARGET_RATIO}x of the floor, every report under "
        f"{TARGET_MS:.0f} ms on SQLite; export >= {TARGET_EXPORT:,} rows/s."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
