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

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractMonth,
    ExtractYear,
    Greatest,
    Trim,
    TruncDate,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import registry
from tandem.core.fields import FieldSpec, get_field
from tandem.core.filters import condition_q
from tandem.core.models import Company, FieldHistory, PicklistValue
from tandem.reports import dates
from tandem.reports.charts import CHARTS, chart_settings  # noqa: F401  (CHARTS: the builder)
from tandem.reports.types import LOOKUP_FIELDS, ReportType, get_type

FORMATS = {
    "tabular": gettext_lazy("Tabular"),
    "summary": gettext_lazy("Summary"),
    "matrix": gettext_lazy("Matrix"),
}
AGGREGATES = {
    "sum": gettext_lazy("Sum"),
    "avg": gettext_lazy("Average"),
    "min": gettext_lazy("Min"),
    "max": gettext_lazy("Max"),
    "count": gettext_lazy("Count"),
    "unique": gettext_lazy("Unique count"),
    "true_count": gettext_lazy("Count of checked"),
    "true_percent": gettext_lazy("Percent checked"),
    "blank_count": gettext_lazy("Count of blank"),
    "blank_percent": gettext_lazy("Percent blank"),
}
# Aggregates whose subtotals and total can be rolled up from the finest groups (see summary()).
ROLLUP = {
    "sum",
    "min",
    "max",
    "count",
    "true_count",
    "blank_count",
    "avg",
    "true_percent",
    "blank_percent",
}
NUMERIC_TYPES = {"number", "currency", "percent"}
DATE_TYPES = {"date", "datetime"}
DATE_GROUPS = {
    "day": gettext_lazy("Day"),
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Calendar quarter"),
    "year": gettext_lazy("Calendar year"),
    "fiscal_quarter": gettext_lazy("Fiscal quarter"),
    "fiscal_year": gettext_lazy("Fiscal year"),
}
EXTRA_OPERATORS = {"unchanged_for_days": gettext_lazy("not changed for (days)")}
# What a lookup shows as its value: a record's name, a person's full name.
LABEL_PATHS = {
    "user": ("first_name", "last_name"),
    "contact": ("first_name", "last_name"),
    "lead": ("first_name", "last_name"),
    "task": ("subject",),
    "event": ("subject",),
    "note": ("title",),
}


def _label_expr(prefix: str, target: str):
    parts = LABEL_PATHS.get(target, ("name",))
    if len(parts) == 1:
        return F(prefix + parts[0])
    return Trim(
        Concat(F(prefix + parts[0]), Value(" "), F(prefix + parts[1]), output_field=CharField())
    )


@dataclass
class Column:
    """A field a report can show, filter, group or summarise, on the primary object or one lookup away."""

    name: str  # as written in the definition: "amount", "account__industry", "owner__name"
    label: str
    spec: FieldSpec
    prefix: str = ""  # "account__" for a field reached through a lookup
    guard: str = ""  # alias of "the related record is visible" for a guarded lookup

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def is_relation(self) -> bool:
        return self.spec.type in ("lookup", "owner") and not self.spec.is_custom

    @property
    def path(self) -> str:
        """The ORM path of the stored value (an id for a lookup)."""
        if self.spec.object_name == "user" and self.spec.name == "name":
            return self.prefix + "last_name"
        return self.prefix + self.spec.orm

    def guarded(self, expr):
        """`expr`, or NULL when the row's related record is hidden from the person running it."""
        if not self.guard:
            return expr
        return Case(When(**{self.guard: True}, then=expr), default=None)

    def display(self):
        """An expression for the value as a person reads it."""
        if self.spec.object_name == "user" and self.spec.name == "name":
            return self.guarded(_label_expr(self.prefix, "user"))
        if self.is_relation:
            return self.guarded(
                _label_expr(self.prefix + self.spec.name + "__", self.spec.lookup_object)
            )
        if self.spec.is_custom:
            return self.guarded(KT(self.path))
        return self.guarded(F(self.path))

    def value(self):
        """The stored value (an id for a lookup), guarded."""
        return self.guarded(KT(self.path) if self.spec.is_custom else F(self.path))

    def number(self):
        """An expression to sum or average."""
        if self.spec.is_custom:
            return self.guarded(Cast(KT(self.path), FloatField()))
        return self.guarded(F(self.path))

    def blank_q(self) -> Q:
        """The rows where this column is blank (a hidden related record counts as blank)."""
        if self.spec.object_name == "user" and self.spec.name == "name":
            q = Q(**{f"{self.prefix}last_name__isnull": True}) | Q(
                **{f"{self.prefix}last_name": ""}
            )
        else:
            q = _prefix_q(
                condition_q(replace(self.spec, label=self.label), "is_blank", None), self.prefix
            )
        return q | Q(**{self.guard: False}) if self.guard else q


ACTIVITY_OBJECTS = ("account", "contact", "lead", "opportunity")


def virtual_fields(rtype: ReportType) -> list[FieldSpec]:
    """Computed fields of the primary object: the date of its latest task or event."""
    if rtype.source or rtype.object_name not in ACTIVITY_OBJECTS:
        return []
    return [
        FieldSpec(
            name="last_activity",
            label=_("Last activity"),
            type="date",
            editable=False,
            object_name=rtype.object_name,
        )
    ]


def _virtual_annotations(rtype: ReportType) -> dict:
    """The expressions behind virtual_fields(), aliased on every report queryset."""
    if rtype.source or rtype.object_name not in ACTIVITY_OBJECTS:
        return {}
    from tandem.activities.models import Event, Task

    fk = rtype.object_name
    # Only a date leaves the subqueries (as Salesforce's Last Activity), never an activity row.
    tasks = (
        Task.objects.unrestricted()
        .filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(m=Max("due_date"))
        .values("m")
    )
    events = (
        Event.objects.unrestricted()
        .filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(m=Max(TruncDate("start")))
        .values("m")
    )
    t = Subquery(tasks, output_field=DateField())
    e = Subquery(events, output_field=DateField())
    return {"last_activity": Greatest(Coalesce(t, e), Coalesce(e, t))}


def _lookup_fields(target: str) -> list[FieldSpec]:
    if target in LOOKUP_FIELDS:
        return list(LOOKUP_FIELDS[target])
    from tandem.core.fields import all_fields

    return all_fields(registry.get(target))


def _guard_alias(rtype: ReportType, lk) -> str:
    return f"vis{rtype.lookups.index(lk)}" if lk.guard else ""


def available_columns(rtype: ReportType) -> list[Column]:
    """Every column of a report type, primary fields first, then each lookup's fields."""
    cols = [Column(s.name, str(s.label), s) for s in rtype.primary_fields() + virtual_fields(rtype)]
    for lk in rtype.lookups:
        if lk.target not in LOOKUP_FIELDS and registry.find(lk.target) is None:
            continue
        for s in _lookup_fields(lk.target):
            cols.append(
                Column(
                    f"{lk.field}__{s.name}",
                    f"{lk.label}: {s.label}",
                    s,
                    prefix=lk.field + "__",
                    guard=_guard_alias(rtype, lk),
                )
            )
    return cols


def resolve(rtype: ReportType, name: str) -> Column | None:
    """The column called `name`, or None when it does not exist (any more)."""
    name = str(name or "")
    lk = rtype.lookup_for(name)
    if lk is not None:
        rest = name[len(lk.field) + 2 :]
        if lk.target in LOOKUP_FIELDS:
            spec = next((s for s in LOOKUP_FIELDS[lk.target] if s.name == rest), None)
        elif registry.find(lk.target) is None:
            spec = None
        else:
            spec = get_field(registry.get(lk.target), rest)
        if spec is None:
            return None
        return Column(
            name,
            f"{lk.label}: {spec.label}",
            spec,
            prefix=lk.field + "__",
            guard=_guard_alias(rtype, lk),
        )
    spec = rtype.primary_field(name) or next(
        (v for v in virtual_fields(rtype) if v.name == name), None
    )
    if spec is None:
        return None
    return Column(spec.name, str(spec.label), spec)


def _prefix_q(q: Q, prefix: str) -> Q:
    new = Q()
    new.connector, new.negated = q.connector, q.negated
    new.children = [
        _prefix_q(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in q.children
    ]
    return new


def _aware(d: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))


def _range_q(col: Column, start: datetime.date, end: datetime.date, op: str = "equals") -> Q:
    """A filter on a half-open date range, for date and date/time columns alike."""
    path = col.path
    lo, hi = (start, end) if col.type == "date" else (_aware(start), _aware(end))
    inside = Q(**{f"{path}__gte": lo, f"{path}__lt": hi})
    return {
        "equals": inside,
        "not_equals": ~inside,
        "less_than": Q(**{f"{path}__lt": lo}),
        "greater_or_equal": Q(**{f"{path}__gte": lo}),
        "less_or_equal": Q(**{f"{path}__lt": hi}),
        "greater_than": Q(**{f"{path}__gte": hi}),
    }.get(op, inside)


@dataclass
class Context:
    """What the relative dates depend on: today and the company's fiscal year."""

    today: datetime.date
    fiscal_start_month: int

    @classmethod
    def current(cls, today: datetime.date | None = None) -> "Context":
        return cls(today or timezone.localdate(), Company.current().fiscal_year_start_month)


def filter_q(rtype: ReportType, cond: dict, ctx: Context) -> Q:
    """One condition as a parameterised Q; errors name the field."""
    col = resolve(rtype, cond.get("field"))
    if col is None:
        raise ValidationError(
            _("The filter field “%(field)s” no longer exists.") % {"field": cond.get("field")}
        )
    op = str(cond.get("op") or "equals")
    value = cond.get("value")
    if op == "unchanged_for_days":
        return _unchanged_q(rtype, col, value)
    if col.type in DATE_TYPES and dates.is_relative(value):
        start, end = dates.relative_range(str(value), ctx.today, ctx.fiscal_start_month, col.label)
        return _range_q(col, start, end, op)
    if col.spec.object_name == "user" and col.spec.name == "name":
        spec = replace(col.spec, name=col.path.split("__")[-1], label=col.label)
    else:
        spec = replace(col.spec, label=col.label)
    q = _prefix_q(condition_q(spec, op, value), col.prefix)
    # A condition on a hidden related record never matches (nor reveals it).
    return q & Q(**{col.guard: True}) if col.guard else q


def _unchanged_q(rtype: ReportType, col: Column, value) -> Q:
    """Records whose tracked field has not changed in the last N days (and that are older than that)."""
    try:
        days = int(str(value).strip())
        if days < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a number of days.")
            % {"field": col.label, "value": value}
        ) from None
    from tandem.core.history import tracked_specs

    if rtype.source:
        raise ValidationError(
            _("%(field)s: its history is not tracked, so its last change is unknown.")
            % {"field": col.label}
        )
    if not col.prefix and col.spec.name not in {s.name for s in tracked_specs(rtype.obj_def)}:
        raise ValidationError(
            _("%(field)s: its history is not tracked, so its last change is unknown.")
            % {"field": col.label}
        )
    if col.prefix:
        raise ValidationError(
            _("%(field)s: only fields of the report's own object keep history.")
            % {"field": col.label}
        )
    cutoff = timezone.now() - datetime.timedelta(days=days)
    changed = FieldHistory.objects.filter(
        object_name=rtype.object_name,
        record_id=OuterRef("pk"),
        field_name=col.spec.name,
        changed_at__gte=cutoff,
    )
    return ~Exists(changed) & Q(created_at__lt=cutoff)


@dataclass
class Prepared:
    """A definition checked against today's metadata: what runs, and what is missing."""

    rtype: ReportType
    definition: dict
    columns: list[Column] = field(default_factory=list)
    groupings: list[tuple[Column, str]] = field(default_factory=list)
    column_groupings: list[tuple[Column, str]] = field(default_factory=list)
    summaries: list[tuple[Column | None, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # messages naming fields that are gone
    errors: list[str] = field(default_factory=list)  # problems that stop the report running

    @property
    def format(self) -> str:
        return self.definition.get("format") or "tabular"

    @property
    def runnable(self) -> bool:
        return not self.errors


def prepare(report_type: str | ReportType, definition: dict | None) -> Prepared:
    rtype = get_type(report_type) if isinstance(report_type, str) else report_type
    if rtype is None:
        raise ValidationError(_("Unknown report type “%(type)s”.") % {"type": report_type})
    definition = dict(definition or {})
    p = Prepared(rtype, definition)
    if p.format not in FORMATS:
        p.errors.append(_("Unknown report format “%(format)s”.") % {"format": p.format})
    for name in definition.get("columns") or []:
        col = resolve(rtype, name)
        if col is None:
            p.missing.append(
                _("The column “%(field)s” no longer exists and was left out.") % {"field": name}
            )
        else:
            p.columns.append(col)
    for key, target in (("groupings", p.groupings), ("column_groupings", p.column_groupings)):
        for g in definition.get(key) or []:
            col = resolve(rtype, g.get("field"))
            kind = g.get("date_group") or ""
            if col is None:
                p.missing.append(
                    _("The grouping field “%(field)s” no longer exists and was left out.")
                    % {"field": g.get("field")}
                )
                continue
            if kind and (
                kind not in DATE_GROUPS or col.type not in DATE_TYPES or col.spec.is_custom
            ):
                p.errors.append(
                    _("%(field)s: cannot be grouped by %(kind)s.")
                    % {"field": col.label, "kind": kind}
                )
                continue
            target.append((col, kind))
    if len(p.groupings) > 2:
        p.errors.append(_("A report groups rows by at most two fields."))
    for s in definition.get("summaries") or []:
        agg = s.get("agg") or "sum"
        col = resolve(rtype, s.get("field")) if s.get("field") else None
        if s.get("field") and col is None:
            p.missing.append(
                _("The summary field “%(field)s” no longer exists and was left out.")
                % {"field": s.get("field")}
            )
            continue
        if agg not in AGGREGATES:
            p.errors.append(_("Unknown summary “%(agg)s”.") % {"agg": agg})
        elif agg in ("sum", "avg") and (col is None or col.type not in NUMERIC_TYPES):
            p.errors.append(
                _("%(field)s: %(agg)s needs a number field.")
                % {"field": col.label if col else "—", "agg": AGGREGATES[agg]}
            )
        elif agg in ("true_count", "true_percent") and (col is None or col.type != "checkbox"):
            p.errors.append(
                _("%(field)s: count of checked needs a checkbox field.")
                % {"field": col.label if col else "—"}
            )
        elif agg in ("blank_count", "blank_percent", "unique") and col is None:
            p.errors.append(_("%(agg)s: choose the field to summarise.") % {"agg": AGGREGATES[agg]})
        else:
            p.summaries.append((col, agg))
    try:
        chart_settings(definition.get("chart") or {})
    except ValidationError as e:
        p.errors.extend(e.messages)
    for cond in definition.get("filters") or []:
        if resolve(rtype, cond.get("field")) is None:
            p.errors.append(
                _("The filter field “%(field)s” no longer exists; edit the report's filters.")
                % {"field": cond.get("field")}
            )
    return p


def _guards(rtype: ReportType, user) -> dict:
    """For each guarded lookup, whether the row's related record is visible to `user`."""
    from tandem.access.door import access_filter

    out = {}
    for lk in rtype.lookups:
        alias = _guard_alias(rtype, lk)
        if not alias:
            continue
        model = registry.get(lk.target).model
        cond = access_filter(model, user, "read")
        if cond is None:
            out[alias] = Value(True)
        else:
            visible = model.objects.unrestricted().filter(cond).filter(pk=OuterRef(lk.field))
            out[alias] = Exists(visible)
    return out


def base_queryset(
    p: Prepared,
    user,
    ctx: Context | None = None,
    drill: list | None = None,
    extra_filters: list | None = None,
):
    """The report's records for `user`: through the door, then the report's filters."""
    ctx = ctx or Context.current()
    qs = p.rtype.queryset(user).alias(**_virtual_annotations(p.rtype), **_guards(p.rtype, user))
    conds = list(p.definition.get("filters") or [])
    if conds:
        logic = "or" if p.definition.get("filter_logic") == "or" else "and"
        combined = None
        for cond in conds:
            q = filter_q(p.rtype, cond, ctx)
            combined = q if combined is None else (combined | q if logic == "or" else combined & q)
        qs = qs.filter(combined)
    # Extra conditions (a dashboard's filters) always narrow the report: AND, whatever its logic.
    for cond in extra_filters or []:
        qs = qs.filter(filter_q(p.rtype, cond, ctx))
    for i, d in enumerate(drill or []):
        col = resolve(p.rtype, d.get("field"))
        if (
            col is not None
            and col.spec.object_name == "user"
            and col.spec.name == "name"
            and d.get("key")
        ):
            # A full name is an expression, not a column: filter on it as an annotation.
            qs = qs.annotate(**{f"drill{i}": col.display()}).filter(**{f"drill{i}": d["key"]})
        else:
            qs = qs.filter(drill_q(p.rtype, d, ctx))
    return qs


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


def drill_q(rtype: ReportType, d: dict, ctx: Context) -> Q:
    """The rows of one group: {"field", "date_group", "key"} as a filter."""
    col = resolve(rtype, d.get("field"))
    if col is None:
        raise ValidationError(
            _("The grouping field “%(field)s” no longer exists.") % {"field": d.get("field")}
        )
    kind, key = d.get("date_group") or "", d.get("key")
    if key is None or key == "":
        blank = Q(**{f"{col.path}__isnull": True})
        blank = (
            blank | Q(**{col.path: ""})
            if col.type in ("text", "picklist", "email", "phone", "url", "textarea")
            else blank
        )
        return blank | Q(**{col.guard: False}) if col.guard else blank
    guard = Q(**{col.guard: True}) if col.guard else Q()
    if kind:
        start = datetime.date.fromisoformat(str(key)[:10])
        return _range_q(col, *dates.bucket_range(kind, start)) & guard
    return Q(**{col.path: key}) & guard


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
    out = []
    for row in raw:
        keys, labels, order = [], [], []
        for i, (col, kind) in enumerate(groupings):
            key = row[f"g{i}"]
            if kind:
                key = _bucket_from_key(kind, key, ctx)
            label = labels_of[i].get(key) if i in labels_of else None
            keys.append(_serial(key))
            labels.append(_label(col, kind, key, label, ctx))
            order.append(_sort_key(col, kind, key, label, picklists[i]))
        out.append((order, {"keys": keys, "labels": labels, **_values(row, p, rollup)}))
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


# -- rows ---------------------------------------------------------------------------------


def _row_queryset(p: Prepared, user, ctx: Context, sort: str = "", drill=None, extra=None):
    qs = base_queryset(p, user, ctx, drill, extra)
    cols = p.columns
    annotations = {f"c{i}": col.display() for i, col in enumerate(cols)}
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
