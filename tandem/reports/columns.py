"""Report columns, filters and definitions: what a report can show, checked against today's metadata.

Part of the report engine (see engine.py): a Column is a field of the primary row or one
reached through a lookup; prepare() checks a definition; base_queryset() is the door plus
the report's filters, which every row, group and total starts from.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Greatest,
    Trim,
    TruncDate,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import registry
from tandem.core.fields import FieldSpec, get_field
from tandem.core.filters import condition_q
from tandem.core.models import Company, FieldHistory
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
