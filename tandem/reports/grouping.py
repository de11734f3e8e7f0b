"""Groups, subtotals and totals of a report, aggregated by the database (part of the engine).

The database groups by keys only (a lookup's id, a date bucket); this module then labels and
orders the aggregated rows and, where the summaries allow, adds subtotals up from the
finest groups instead of scanning the records once per grouping level.
"""

import contextlib
import datetime
import gc
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    ExtractMonth,
    ExtractYear,
    TruncDate,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.models import PicklistValue
from tandem.reports import dates
from tandem.reports.charts import CHARTS, chart_settings  # noqa: F401  (CHARTS: the builder)
from tandem.reports.columns import (
    AGGREGATES,
    ROLLUP,
    Column,
    Context,
    Prepared,
    _label_expr,
    base_queryset,
)

# -- groups -----------------------------------------------------------------------------


def _group_expr(col: Column, kind: str, ctx: Context):
    """The expression a grouping groups by."""
    path = col.path
    if not kind:
        return col.value() if col.is_relation else col.display()
    if kind == "day":
        return col.guarded(TruncDate(path) if col.type == "datetime" else F(path))
    if kind in ("week", "month", "quarter", "year"):
        trunc = {"week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
        return col.guarded(trunc[kind](path, output_field=DateField()))
    months = (
        Cast(ExtractYear(path), IntegerField()) * 12
        + Cast(ExtractMonth(path), IntegerField())
        - ctx.fiscal_start_month
    )
    return col.guarded(Cast(months / (3 if kind == "fiscal_quarter" else 12), IntegerField()))


def _bucket_from_key(kind: str, key, ctx: Context):
    """The first day of a date group, from what the database returned."""
    if key is None:
        return None
    if kind == "fiscal_quarter":
        fy, q = divmod(int(key), 4)
        return dates.add_months(datetime.date(fy, ctx.fiscal_start_month, 1), q * 3)
    if kind == "fiscal_year":
        return datetime.date(int(key), ctx.fiscal_start_month, 1)
    if isinstance(key, datetime.datetime):
        key = key.date()
    return key


def _serial(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _label(col: Column, kind: str, key, label, ctx: Context) -> str:
    if key is None or key == "":
        return _("(blank)")
    if kind:
        return dates.bucket_label(kind, key, ctx.fiscal_start_month)
    if col.is_relation:
        return str(label or key)
    if col.type == "checkbox":
        return _("Yes") if key in (True, "true", 1) else _("No")
    return str(key)


def _checked_q(col: Column) -> Q:
    q = Q(**{col.path: True})
    return q & Q(**{col.guard: True}) if col.guard else q


def _aggregates(p: Prepared, rollup: bool = False) -> dict:
    """The summaries as aggregate expressions. With `rollup`, averages and percentages are
    computed as sums and counts (s{i}_n) so coarser groups can be summed from finer ones."""
    out = {"record_count": Count("pk")}
    for i, (col, agg) in enumerate(p.summaries):
        alias = f"s{i}"
        if agg == "count":
            out[alias] = Count(col.value()) if col else Count("pk")
        elif agg == "unique":
            out[alias] = Count(col.value(), distinct=True)
        elif agg in ("true_count", "true_percent", "blank_count", "blank_percent"):
            q = _checked_q(col) if agg.startswith("true") else col.blank_q()
            if agg.endswith("count") or rollup:
                out[alias] = Count("pk", filter=q)
            else:
                hit = Case(
                    When(q, then=Value(100.0)), default=Value(0.0), output_field=FloatField()
                )
                out[alias] = Avg(hit)
        elif agg == "avg" and rollup:
            out[alias] = Sum(col.number())
            out[alias + "_n"] = Count(col.number())
        else:
            fn = {"sum": Sum, "avg": Avg, "min": Min, "max": Max}[agg]
            out[alias] = fn(col.number() if agg in ("sum", "avg") else col.value())
    return out


def summary_labels(p: Prepared) -> list[str]:
    labels = []
    for col, agg in p.summaries:
        labels.append(f"{AGGREGATES[agg]}: {col.label}" if col else str(AGGREGATES[agg]))
    return labels


def _values(row: dict, p: Prepared, rollup: bool = False) -> dict:
    out = {
        "count": row["record_count"],
        "values": [row.get(f"s{i}") for i in range(len(p.summaries))],
    }
    if rollup:
        # Beside each summary, how many values an average divides by.
        out["_n"] = [row.get(f"s{i}_n", row["record_count"]) or 0 for i in range(len(p.summaries))]
    return out


def _picklist_index(col: Column) -> dict | None:
    """Picklist groups (stages, forecast categories) sort in the picklist's order, as people expect."""
    if col.type != "picklist" or col.spec.is_custom:
        return None
    values = list(
        PicklistValue.objects.filter(object_name=col.spec.object_name, field_name=col.spec.name)
        .order_by("sort_order", "id")
        .values_list("value", flat=True)
    )
    return {v: i for i, v in enumerate(values)} or None


def _target_model(target: str):
    from tandem.access.models import Group, Profile, Role, User

    models = {"user": User, "role": Role, "profile": Profile, "queue": Group}
    return models.get(target) or registry.get(target).model


def _relation_labels(col: Column, ids) -> dict:
    """{id: what a person reads} for the related records a grouping found, in small queries.

    Grouping by the id alone (no join, no label expression per record) is what keeps a
    summary over a million records close to the raw SQL; the few labels come afterwards.
    """
    target = col.spec.lookup_object
    model = _target_model(target)
    manager = model.objects
    if hasattr(manager, "unrestricted"):
        manager = manager.unrestricted()  # labels of ids the report's rows already point at
    ids = sorted({i for i in ids if i is not None})
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = manager.filter(pk__in=chunk).annotate(_l=_label_expr("", target))
        out.update(rows.values_list("pk", "_l"))
    return out


class ScanOrder(Func):
    """A group key SQLite may not read through an index (its no-op unary +).

    Grouping a large table by an indexed column makes SQLite walk that index and fetch each
    row out of order, about twice the work of reading the table once and sorting the groups
    (measured in bench/reports.py). Other databases plan this well and get the bare key.
    """

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+(%(expressions)s)", **extra)


def grouped_queryset(qs, groupings, p: Prepared, ctx: Context, rollup: bool = False):
    """The values() queryset of one row per group of `groupings`, aggregated in the database.

    Only the group keys are selected (a lookup's id, not its label) and nothing is ordered:
    labels and order are added to the few aggregated rows by _grouped().
    """
    annotations = {
        f"g{i}": ScanOrder(_group_expr(col, kind, ctx)) for i, (col, kind) in enumerate(groupings)
    }
    return (
        qs.annotate(**annotations)
        .values(*annotations)
        .annotate(**_aggregates(p, rollup))
        .order_by()
    )


def _sort_key(col: Column, kind: str, key, label, picklist):
    if key is None or key == "":
        return (0, 0, "")  # blanks first
    if picklist is not None:
        return (1, picklist.get(key, len(picklist)), str(key))
    if col.is_relation and not kind:
        return (1, 0, str(label or "").casefold(), key)
    return (1, 0, key)


@contextlib.contextmanager
def _collector_paused():
    """Shaping makes a few small, acyclic containers per group (15,622 for the pipeline at a
    million deals); each automatic collection pass also walks the whole Django heap, which
    cost more than the shaping itself (measured in bench/reports.py). Refcounting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _level(raw: list, name: str, col: Column, kind: str, ctx: Context) -> dict:
    """{raw key: (key, label, rank)} for one grouping level: each distinct key is labelled and
    placed once (a thousand owners, not fifteen thousand groups); equal sort keys share a rank."""
    distinct = {row[name]: None for row in raw}
    picklist = _picklist_index(col) if not kind else None
    labels_of = _relation_labels(col, distinct) if col.is_relation and not kind else None
    shaped = {}
    for raw_key in distinct:
        key = _bucket_from_key(kind, raw_key, ctx) if kind else raw_key
        label = labels_of.get(key) if labels_of is not None else None
        shaped[raw_key] = (
            _serial(key),
            _label(col, kind, key, label, ctx),
            _sort_key(col, kind, key, label, picklist),
        )
    ranks, rank, last = {}, -1, object()
    for raw_key, (_k, _l, order) in sorted(shaped.items(), key=lambda kv: kv[1][2]):
        if rank < 0 or order != last:
            rank, last = rank + 1, order
        ranks[raw_key] = rank
    return {raw_key: (k, lab, ranks[raw_key]) for raw_key, (k, lab, _o) in shaped.items()}


def _grouped(
    qs, groupings: list[tuple[Column, str]], p: Prepared, ctx: Context, rollup: bool = False
) -> list[dict]:
    """One row per group of `groupings`, aggregated in the database, labelled and in order.

    With `rollup`, rows carry "_n" (what each average divides by) only when a summary needs it.
    """
    with _collector_paused():
        raw = list(grouped_queryset(qs, groupings, p, ctx, rollup))
        levels = [
            (f"g{i}", _level(raw, f"g{i}", col, kind, ctx))
            for i, (col, kind) in enumerate(groupings)
        ]
        names = [f"s{j}" for j in range(len(p.summaries))]
        needs_n = rollup and any(agg in _DIVIDED for _c, agg in p.summaries)
        items, order = [], []
        if len(levels) == 2 and not needs_n:
            (n0, l0), (n1, l1) = levels
            width = len(l1)
            for row in raw:
                a, b = l0[row[n0]], l1[row[n1]]
                items.append(
                    {
                        "keys": [a[0], b[0]],
                        "labels": [a[1], b[1]],
                        "count": row["record_count"],
                        "values": [row[s] for s in names],
                    }
                )
                order.append(a[2] * width + b[2])
        else:
            for row in raw:
                got = [shaped[row[name]] for name, shaped in levels]
                item = {
                    "keys": [g[0] for g in got],
                    "labels": [g[1] for g in got],
                    "count": row["record_count"],
                    "values": [row[s] for s in names],
                }
                if needs_n:
                    item["_n"] = [row.get(s + "_n", row["record_count"]) or 0 for s in names]
                items.append(item)
                order.append(tuple(g[2] for g in got))
        # Stable, like sorting by each level's sort key: equal ranks keep the database's order.
        return [items[i] for i in sorted(range(len(items)), key=order.__getitem__)]


def _can_roll_up(p: Prepared) -> bool:
    return all(agg in ROLLUP for _col, agg in p.summaries)


_DIVIDED = {"avg"}  # summaries whose rolled-up form needs "_n", what each divides by
_FINISHED = {"avg", "true_percent", "blank_percent"}  # rolled up as sums, shown as ratios
_COUNTS = {"count", "true_count", "blank_count"}


def _combine(parts: list[dict], p: Prepared) -> dict:
    """The summaries of a group made of `parts` (rows from _grouped(..., rollup=True)).

    Values are added in the parts' order, starting from 0, exactly as sum() would."""
    count = 0
    for x in parts:
        count += x["count"]
    out = {"count": count, "values": []}
    has_n = bool(parts) and "_n" in parts[0]
    if has_n or not parts:
        out["_n"] = []
    for i, (_col, agg) in enumerate(p.summaries):
        vals = [v for x in parts if (v := x["values"][i]) is not None]
        if agg in ("min", "max"):
            out["values"].append((min if agg == "min" else max)(vals) if vals else None)
        elif agg in _COUNTS:
            out["values"].append(sum(vals))
        else:
            out["values"].append(sum(vals) if vals else None)
        if has_n:
            out["_n"].append(sum(x["_n"][i] for x in parts))
        elif not parts:
            out["_n"].append(0)
    return out


def _finish(item: dict, p: Prepared) -> dict:
    """Turn rolled-up sums and counts back into averages and percentages."""
    n_list = item.pop("_n", None)
    for i, (_col, agg) in enumerate(p.summaries):
        v = item["values"][i]
        if agg == "avg":
            n = n_list[i]
            item["values"][i] = (v / n if isinstance(v, float) else Decimal(v) / n) if n else None
        elif agg in ("true_percent", "blank_percent"):
            count = item["count"]
            item["values"][i] = (v or 0) * 100.0 / count if count else None
    return item


def _drill(groupings, keys) -> list[dict]:
    return [
        {"field": col.name, "date_group": kind, "key": key}
        for (col, kind), key in zip(groupings, keys)
    ]


def summary(
    p: Prepared, user, ctx: Context | None = None, drill: list | None = None, extra=None
) -> dict:
    """Groups (one or two levels) with their summaries, and the grand total."""
    ctx = ctx or Context.current()
    qs = base_queryset(p, user, ctx, drill, extra)
    if p.groupings and _can_roll_up(p):
        return _summary_rolled_up(qs, p, ctx)
    total = _values(qs.aggregate(**_aggregates(p)), p)
    groups = []
    if p.groupings:
        top = _grouped(qs, p.groupings[:1], p, ctx)
        children: dict = {}
        if len(p.groupings) > 1:
            for row in _grouped(qs, p.groupings[:2], p, ctx):
                children.setdefault(row["keys"][0], []).append(row)
        for row in top:
            row["drill"] = _drill(p.groupings, row["keys"])
            row["children"] = children.get(row["keys"][0], [])
            for child in row["children"]:
                child["drill"] = _drill(p.groupings, child["keys"])
            groups.append(row)
    return {"groups": groups, "total": total, "summary_labels": summary_labels(p)}


def _summary_rolled_up(qs, p: Prepared, ctx: Context) -> dict:
    """One query at the finest grouping; subtotals and the total are added up from its rows.

    The database still does all the per-record work; Python only adds the group rows, which
    saves a scan of the records per grouping level (see docs/performance.md).
    """
    groupings = p.groupings[:2]
    fine = _grouped(qs, groupings, p, ctx, rollup=True)
    finish = any(agg in _FINISHED for _c, agg in p.summaries)
    with _collector_paused():
        groups, by_key = [], {}
        two = len(groupings) > 1
        if two:
            (c0, k0), (c1, k1) = groupings
            f0, f1 = c0.name, c1.name
        for row in fine:
            keys = row["keys"]
            top = by_key.get(keys[0])
            if top is None:
                top = by_key[keys[0]] = {
                    "keys": keys[:1],
                    "labels": row["labels"][:1],
                    "parts": [],
                    "children": [],
                }
                groups.append(top)
            top["parts"].append(row)
            if two:
                top["children"].append(row)
        total = _finish(_combine(fine, p), p)
        for top in groups:
            top.update(_finish(_combine(top.pop("parts"), p), p))
            top["drill"] = _drill(p.groupings, top["keys"])
            if not two:
                continue
            for child in top["children"]:
                if finish:
                    _finish(child, p)
                keys = child["keys"]
                child["drill"] = [
                    {"field": f0, "date_group": k0, "key": keys[0]},
                    {"field": f1, "date_group": k1, "key": keys[1]},
                ]
    return {"groups": groups, "total": total, "summary_labels": summary_labels(p)}


def matrix(
    p: Prepared, user, ctx: Context | None = None, drill: list | None = None, extra=None
) -> dict:
    """Row groups × column groups, each cell, row, column and the whole aggregated in the database."""
    ctx = ctx or Context.current()
    qs = base_queryset(p, user, ctx, drill, extra)
    rgs, cgs = p.groupings[:1], p.column_groupings[:1]
    total = _values(qs.aggregate(**_aggregates(p)), p)
    rows = _grouped(qs, rgs, p, ctx) if rgs else []
    cols = _grouped(qs, cgs, p, ctx) if cgs else []
    cells = {}
    if rgs and cgs:
        for row in _grouped(qs, rgs + cgs, p, ctx):
            cells[(row["keys"][0], row["keys"][1])] = row
    for row in rows:
        row["drill"] = _drill(rgs, row["keys"])
        row["cells"] = []
        for c in cols:
            cell = cells.get((row["keys"][0], c["keys"][0]))
            if cell:
                cell["drill"] = _drill(rgs + cgs, [row["keys"][0], c["keys"][0]])
            row["cells"].append(cell)
    for c in cols:
        c["drill"] = _drill(cgs, c["keys"])
    return {"rows": rows, "columns": cols, "total": total, "summary_labels": summary_labels(p)}
