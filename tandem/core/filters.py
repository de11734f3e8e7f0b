"""Conditions (field, operator, value) turned into parameterised ORM filters.

Used by list views, sharing rule criteria and API filters. Nothing a user types is
executed: values are coerced to the field's type and passed as query parameters.
Date and date-time fields also take relative values (TODAY, LAST_N_DAYS:30,
THIS_FISCAL_QUARTER...) that follow the company's fiscal year (tandem.reports.dates).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.fields import FieldSpec, get_field

OPERATORS = {
    "equals": gettext_lazy("equals"),
    "not_equals": gettext_lazy("not equal to"),
    "contains": gettext_lazy("contains"),
    "starts_with": gettext_lazy("starts with"),
    "less_than": gettext_lazy("less than"),
    "greater_than": gettext_lazy("greater than"),
    "less_or_equal": gettext_lazy("less or equal"),
    "greater_or_equal": gettext_lazy("greater or equal"),
    "in": gettext_lazy("is one of"),
    "is_blank": gettext_lazy("is blank"),
    "is_not_blank": gettext_lazy("is not blank"),
}
DATE_TYPES = {"date", "datetime"}
# Looks like an attempt at a relative date (LAST_N_DAYS:x, THIS_FORTNIGHT): say so, not "bad date".
_TOKEN_LIKE = re.compile(r"^[A-Za-z]+(_[A-Za-z]+)+(:.*)?$")
TEXT_TYPES = {"text", "textarea", "email", "phone", "url", "picklist", "multipicklist"}
ORDERED_TYPES = {"number", "currency", "percent", "date", "datetime"}


def coerce(spec: FieldSpec, raw):
    """Turn a typed value into the field's Python value, or raise naming the field."""
    if raw is None or raw == "":
        return None
    try:
        if spec.type in ("number", "currency", "percent"):
            return Decimal(str(raw).strip())
        if spec.type == "date":
            value = raw if isinstance(raw, datetime.date) else parse_date(str(raw).strip())
            if value is None:
                raise ValueError
            return value
        if spec.type == "datetime":
            value = raw if isinstance(raw, datetime.datetime) else parse_datetime(str(raw).strip())
            if value is None:
                raise ValueError
            return value
        if spec.type == "checkbox":
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if spec.type in ("lookup", "owner"):
            return int(raw)
    except (ValueError, InvalidOperation, TypeError):
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a valid %(type)s.")
            % {"field": spec.label, "value": raw, "type": spec.type}
        ) from None
    return str(raw)


@dataclass(frozen=True)
class DateContext:
    """What relative dates depend on: today and the month the fiscal year starts."""

    today: datetime.date
    fiscal_start_month: int = 1

    @classmethod
    def current(cls) -> "DateContext":
        from tandem.core.models import Company

        return cls(timezone.localdate(), Company.current().fiscal_year_start_month)


def relative_date_q(spec: FieldSpec, op: str, raw, ctx: DateContext | None) -> Q | None:
    """The condition for a relative date value, or None when the value is not one."""
    from tandem.reports import dates

    if spec.type not in DATE_TYPES or not isinstance(raw, str):
        return None
    text = raw.strip()
    if not dates.is_relative(text):
        if _TOKEN_LIKE.match(text):
            dates.relative_range(text, datetime.date.today(), 1, spec.label)  # raises, naming it
        return None
    ctx = ctx or DateContext.current()
    start, end = dates.relative_range(text, ctx.today, ctx.fiscal_start_month, spec.label)
    if spec.type == "datetime":
        lo, hi = (_local_midnight(d) for d in (start, end))
    else:
        lo, hi = start, end
    if spec.is_custom:  # JSON holds dates and date-times as ISO text, which sorts as it reads
        lo, hi = lo.isoformat(), hi.isoformat()
    path = _orm_path(spec)
    inside = Q(**{f"{path}__gte": lo, f"{path}__lt": hi})
    ranges = {
        "equals": inside,
        "not_equals": ~inside | Q(**{f"{path}__isnull": True}),
        "less_than": Q(**{f"{path}__lt": lo}),
        "greater_or_equal": Q(**{f"{path}__gte": lo}),
        "less_or_equal": Q(**{f"{path}__lt": hi}),
        "greater_than": Q(**{f"{path}__gte": hi}),
    }
    if op not in ranges:
        raise ValidationError(
            _("%(field)s: “%(op)s” does not take a relative date.")
            % {"field": spec.label, "op": OPERATORS.get(op, op)}
        )
    return ranges[op]


def _local_midnight(d: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))


def _orm_path(spec: FieldSpec) -> str:
    if spec.type in ("lookup", "owner") and not spec.is_custom:
        return spec.name + "_id"
    return spec.orm


def condition_q(spec: FieldSpec, op: str, raw, ctx: DateContext | None = None) -> Q:
    if op not in OPERATORS:
        raise ValidationError(
            _("%(field)s: unknown operator “%(op)s”.") % {"field": spec.label, "op": op}
        )
    if op not in ("is_blank", "is_not_blank"):
        relative = relative_date_q(spec, op, raw, ctx)
        if relative is not None:
            return relative
    path = _orm_path(spec)
    if op == "is_blank":
        return Q(**{f"{path}__isnull": True}) | (
            Q(**{path: ""}) if spec.type in TEXT_TYPES else Q(pk__in=[])
        )
    if op == "is_not_blank":
        return ~condition_q(spec, "is_blank", None)
    if op == "in":
        values = [coerce(spec, v.strip()) for v in str(raw).split(",") if v.strip()]
        return Q(**{f"{path}__in": values})
    if op in ("contains", "starts_with"):
        if spec.type not in TEXT_TYPES:
            raise ValidationError(
                _("%(field)s: “%(op)s” only applies to text.")
                % {"field": spec.label, "op": OPERATORS[op]}
            )
        lookup = "icontains" if op == "contains" else "istartswith"
        return Q(**{f"{path}__{lookup}": str(raw)})
    value = coerce(spec, raw)
    if spec.is_custom and isinstance(value, (Decimal, datetime.date)):
        # JSON holds numbers as numbers and dates as ISO text.
        value = float(value) if isinstance(value, Decimal) else value.isoformat()
    if op == "equals":
        return Q(**{f"{path}__isnull": True}) if value is None else Q(**{path: value})
    if op == "not_equals":
        return ~Q(**{path: value}) if value is not None else Q(**{f"{path}__isnull": False})
    if spec.type not in ORDERED_TYPES:
        raise ValidationError(
            _("%(field)s: “%(op)s” needs a number or a date field.")
            % {"field": spec.label, "op": OPERATORS[op]}
        )
    lookup = {
        "less_than": "lt",
        "greater_than": "gt",
        "less_or_equal": "lte",
        "greater_or_equal": "gte",
    }[op]
    return Q(**{f"{path}__{lookup}": value})


_STANDARD_SPECS: dict = {}


def _field(obj: registry.ObjectDef, name: str) -> FieldSpec | None:
    """get_field, remembering standard fields: sharing rule criteria are turned into
    conditions on every request, and standard fields only change with the code (the label
    with the language). Custom fields are read afresh, as they can be deleted any time."""
    if name.startswith(("custom.", "custom__")):
        return get_field(obj, name)
    key = (obj.name, name, get_language())
    if key not in _STANDARD_SPECS:
        _STANDARD_SPECS[key] = get_field(obj, name)
    return _STANDARD_SPECS[key]


def conditions_q(
    obj: registry.ObjectDef,
    conditions: list[dict],
    logic: str = "and",
    ctx: DateContext | None = None,
) -> Q:
    """AND or OR of conditions like {"field": "status", "op": "equals", "value": "Open"}."""
    result = None
    for cond in conditions:
        spec = _field(obj, str(cond.get("field", "")))
        if spec is None:
            raise ValidationError(_("Unknown field “%(field)s”.") % {"field": cond.get("field")})
        q = condition_q(spec, str(cond.get("op", "equals")), cond.get("value"), ctx)
        if result is None:
            result = q
        else:
            result = result | q if logic == "or" else result & q
    return result if result is not None else Q()
