"""Groups, subtotals and totals of a report, aggregated by the database (part of the engine).

The database groups by keys only (a lookup's id, a date bucket); this module then labels and
orders the aggregated rows and, where the summaries allow, adds subtotals up from the
finest groups instead of scanning the records once per grouping level.
"""

import datetime
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


def _grouped(
    qs, groupings: list[tuple[Column, str]], p: Prepared, ctx: Context, rollup: bool = False
) -> list[dict]:
    """One row per group of `groupings`, aggregated in the database, labelled and in order."""
    raw = list(grouped_queryset(qs, groupings, p, ctx, rollup))
    labels_of, picklists = {}, {}
    for i, (col, kind) in enumerate(groupings):
        picklists[i] = _picklist_index(col) if not kind else None
        if col.is_relation and not kind:
            labels_of[i] = _relation_labels(col, (row[f"g{i}"] for row in raw))
    # Each distinct key is labelled once (a thousand owners, not fifteen thousand groups).
    seen = [{} for _g in groupings]
    out = []
    n = len(p.summaries)
    for row in raw:
        keys, labels, order = [], [], []
        for i, (col, kind) in enumerate(groupings):
            raw_key = row[f"g{i}"]
            done = seen[i].get(raw_key)
            if done is None:
                key = _bucket_from_key(kind, raw_key, ctx) if kind else raw_key
                label = labels_of[i].get(key) if i in labels_of else None
                done = seen[i][raw_key] = (
                    _serial(key),
                    _label(col, kind, key, label, ctx),
                    _sort_key(col, kind, key, label, picklists[i]),
                )
            keys.append(done[0])
            labels.append(done[1])
            order.append(done[2])
        item = {
            "keys": keys,
            "labels": labels,
            "count": row["record_count"],
            "values": [row[f"s{j}"] for j in range(n)],
        }
        if rollup:
            item["_n"] = [row.get(f"s{j}_n", row["record_count"]) or 0 for j in range(n)]
        out.append((order, item))
    out.sort(key=lambda pair: pair[0])
    return [item for _order, item in out]


def _can_roll_up(p: Prepared) -> bool:
    return all(agg in ROLLUP for _col, agg in p.summaries)


def _combine(parts: list[dict], p: Prepared) -> dict:
    """The summaries of a group made of `parts` (rows from _grouped(..., rollup=True))."""
    out = {"count": sum(x["count"] for x in parts), "values": [], "_n": []}
    for i, (_col, agg) in enumerate(p.summaries):
        vals = [x["values"][i] for x in parts if x["values"][i] is not None]
        if agg in ("min", "max"):
            out["values"].append((min if agg == "min" else max)(vals) if vals else None)
        elif agg in ("count", "true_count", "blank_count"):
            out["values"].append(sum(vals))
        else:
            out["values"].append(sum(vals) if vals else None)
        out["_n"].append(sum(x["_n"][i] for x in parts))
    return out


def _finish(item: dict, p: Prepared) -> dict:
    """Turn rolled-up sums and counts back into averages and percentages."""
    n_list = item.pop("_n", None)
    if n_list is None:
        return item
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

    The database still does all the per-record work; Python only adds a few hundred group
    rows, which saves a scan of the records per grouping level (see docs/performance.md).
    """
    groupings = p.groupings[:2]
    fine = _grouped(qs, groupings, p, ctx, rollup=True)
    groups, by_key = [], {}
    for row in fine:
        top = by_key.get(row["keys"][0])
        if top is None:
            top = by_key[row["keys"][0]] = {
                "keys": row["keys"][:1],
                "labels": row["labels"][:1],
                "parts": [],
                "children": [],
            }
            groups.append(top)
        top["parts"].append(row)
        if len(groupings) > 1:
            top["children"].append(row)
    total = _finish(_combine(fine, p), p) if fine else _finish(_combine([], p), p)
    for top in groups:
        top.update(_finish(_combine(top.pop("parts"), p), p))
        top["drill"] = _drill(p.groupings, top["keys"])
        for child in top["children"]:
            _finish(child, p)
            child["drill"] = _drill(p.groupings, child["keys"])
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
