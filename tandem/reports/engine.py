"""The report engine: a definition (columns, filters, groupings, summaries) run through the door.

Every row, group and total starts from `Model.objects.visible_to(user, "read")`, so a rep's
totals never include records the rep cannot see. Groups and totals are aggregated by the
database (values().annotate()); Python only shapes the already-aggregated rows.

A definition is JSON:
    {"format": "tabular" | "summary" | "matrix",
     "columns": ["name", "account__industry", "owner__name", "amount"],
     "filters": [{"field": "close_date", "op": "equals", "value": "THIS_FISCAL_QUARTER"}],
     "filter_logic": "and" | "or",
     "groupings": [{"field": "stage"}, {"field": "close_date", "date_group": "fiscal_quarter"}],
     "column_groupings": [{"field": "forecast_category"}],   # matrix only
     "summaries": [{"field": "amount", "agg": "sum"}],
     "sort": "-amount",
     "chart": {"type": "bar"}}
"""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F
from django.utils.translation import gettext as _

from tandem.reports.charts import CHARTS  # noqa: F401  (the chart kinds, for the builder)
from tandem.reports.columns import (  # noqa: F401  (the engine's public names)
    AGGREGATES,
    DATE_GROUPS,
    DATE_TYPES,
    EXTRA_OPERATORS,
    FORMATS,
    NUMERIC_TYPES,
    Column,
    Context,
    Prepared,
    available_columns,
    base_queryset,
    drill_q,
    filter_q,
    prepare,
    resolve,
    virtual_fields,
)
from tandem.reports.grouping import (  # noqa: F401
    _aggregates,
    _values,
    grouped_queryset,
    matrix,
    summary,
    summary_labels,
)
from tandem.reports.types import get_type

# -- rows ---------------------------------------------------------------------------------


def _looked_up(col: Column):
    """A lookup's field as a correlated subquery on the related record's primary key.

    SQLite turns the inner join to a small table (the owner) into the outer loop and then
    sorts every record before the first row leaves (6 s for a million-row export); read
    through its primary key instead, the records stay the outer loop, in id order.
    """
    from django.db.models import OuterRef, Subquery

    from tandem.reports.grouping import _target_model

    rel = col.prefix[:-2]
    target = _target_model(col.spec.lookup_object if col.is_relation else col.spec.object_name)
    manager = target.objects
    if hasattr(manager, "unrestricted"):
        manager = manager.unrestricted()  # the row's own lookup, guarded like the join was
    inner = replace(col, prefix="", guard="")
    related = manager.filter(pk=OuterRef(rel)).annotate(_v=inner.display()).order_by()
    related = related.values("_v")[:1]
    return col.guarded(Subquery(related))


def _row_expr(col: Column, vendor: str):
    rel = col.prefix[:-2]
    simple = rel and "__" not in rel and not col.is_relation and not col.spec.is_custom
    if vendor == "sqlite" and simple and col.spec.object_name not in ("loss",):
        return _looked_up(col)
    return col.display()


def _row_queryset(p: Prepared, user, ctx: Context, sort: str = "", drill=None, extra=None):
    qs = base_queryset(p, user, ctx, drill, extra)
    cols = p.columns
    vendor = connections[qs.db].vendor
    annotations = {f"c{i}": _row_expr(col, vendor) for i, col in enumerate(cols)}
    link = p.rtype.link
    if link is not None and link[1] != "pk":
        annotations["link"] = F(link[1])
    qs = qs.annotate(**annotations)
    sort = sort or p.definition.get("sort") or ""
    desc = sort.startswith("-")
    index = next((i for i, c in enumerate(cols) if c.name == sort.lstrip("-")), None)
    order = [("-" if desc else "") + f"c{index}"] if index is not None else []
    return qs.values("pk", *annotations).order_by(*order, "pk" if not desc else "-pk")


def rows(
    p: Prepared,
    user,
    ctx: Context | None = None,
    sort: str = "",
    offset: int = 0,
    limit: int = 50,
    drill=None,
    extra=None,
) -> dict:
    """One page of rows; fetches one row more than it shows instead of counting."""
    ctx = ctx or Context.current()
    page = list(_row_queryset(p, user, ctx, sort, drill, extra)[offset : offset + limit + 1])
    has_next = len(page) > limit
    linked = p.rtype.link is not None
    out = [
        {
            "pk": r.get("link", r["pk"]) if linked else None,
            "cells": [r[f"c{i}"] for i in range(len(p.columns))],
        }
        for r in page[:limit]
    ]
    slug = p.rtype.link[0] if linked else ""
    return {"rows": out, "has_next": has_next, "offset": offset, "limit": limit, "slug": slug}


def iter_rows(
    p: Prepared,
    user,
    ctx: Context | None = None,
    sort: str = "",
    drill=None,
    chunk_size: int = 2000,
):
    """Every row as a list of values, streamed from a server-side cursor in chunks."""
    ctx = ctx or Context.current()
    keys = [f"c{i}" for i in range(len(p.columns))]
    qs = _row_queryset(p, user, ctx, sort, drill).values_list(*keys)
    yield from qs.iterator(chunk_size=chunk_size)


def iter_raw_rows(
    p: Prepared,
    user,
    ctx: Context | None = None,
    sort: str = "",
    drill=None,
    chunk_size: int = 2000,
):
    """Every row as the database driver returns it (no per-value ORM conversion), streamed.

    For CSV exports, which turn every value into text anyway: exports.raw_formatter() knows
    each column's driver types on SQLite and PostgreSQL. Same query, same door as iter_rows.
    """
    ctx = ctx or Context.current()
    keys = [f"c{i}" for i in range(len(p.columns))]
    qs = _row_queryset(p, user, ctx, sort, drill).values_list(*keys)
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk_size):
            yield from batch


def run(
    p: Prepared,
    user,
    ctx: Context | None = None,
    sort: str = "",
    offset: int = 0,
    limit: int = 50,
    drill=None,
    extra_filters: list | None = None,
) -> dict:
    """What the viewer shows: groups or a page of rows (drilling into a group always shows rows).

    `extra_filters` are conditions like the definition's filters, ANDed to them (a dashboard's
    filters); a wrong field or value comes back in result["errors"], naming the field.
    """
    ctx = ctx or Context.current()
    result = {"format": p.format, "missing": p.missing, "errors": list(p.errors)}
    if not p.runnable:
        return result
    extra = extra_filters or None
    try:
        if drill or p.format == "tabular":
            result["table"] = rows(p, user, ctx, sort, offset, limit, drill, extra)
            if p.summaries:
                qs = base_queryset(p, user, ctx, drill, extra)
                result["total"] = _values(qs.aggregate(**_aggregates(p)), p)
                result["summary_labels"] = summary_labels(p)
        elif p.format == "summary":
            result["summary"] = summary(p, user, ctx, extra=extra)
        else:
            result["matrix"] = matrix(p, user, ctx, extra=extra)
    except ValidationError as e:
        result["errors"].extend(e.messages)
    return result


def run_report(report, user, extra_filters: list | None = None, ctx=None, limit: int = 50) -> dict:
    """Run a saved report as `user` (dashboards call this): {"prepared", "result", "chart"}.

    The rows, groups and totals are what `user` may see; `extra_filters` (a dashboard's
    filters) are ANDed to the report's own. A report whose type is gone answers with an
    error in result["errors"] and no chart. `chart` is what reports/_chart.html draws.
    """
    from tandem.reports.charts import chart_data

    rtype = get_type(report.report_type)
    if rtype is None or not rtype.may_use(user):
        error = _("The report type “%(type)s” no longer exists.") % {"type": report.report_type}
        return {"prepared": None, "result": {"errors": [error], "missing": []}, "chart": None}
    p = prepare(rtype, report.definition)
    result = run(p, user, ctx, limit=limit, extra_filters=extra_filters)
    return {"prepared": p, "result": result, "chart": chart_data(p, result)}
