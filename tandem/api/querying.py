"""List parameters for record endpoints: `?status=Open`, `?filter=field:op:value`, `?search=`,
`?ordering=`. Conditions go through core.filters, so values are coerced and parameterised."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import serializers

from tandem.core.fields import get_field
from tandem.core.filters import OPERATORS, condition_q

RESERVED_PARAMS = {"page", "page_size", "search", "ordering", "filter", "format"}


def _messages(exc: DjangoValidationError) -> list[str]:
    return list(exc.messages)


def apply_list_params(obj_def, queryset, params):
    """Filter, search and sort a visible queryset from query parameters; 400 names the parameter."""
    errors: dict[str, list[str]] = {}
    for key in params:
        if key in RESERVED_PARAMS:
            continue
        spec = get_field(obj_def, key)
        if spec is None:
            errors[key] = [_("Unknown field.")]
            continue
        for value in params.getlist(key):
            try:
                queryset = queryset.filter(condition_q(spec, "equals", value))
            except DjangoValidationError as exc:
                errors[key] = _messages(exc)
    for raw in params.getlist("filter"):
        parts = raw.split(":", 2)
        if len(parts) < 2 or not parts[0]:
            errors.setdefault("filter", []).append(
                _("“%(value)s”: expected field:operator:value.") % {"value": raw}
            )
            continue
        name, op = parts[0], parts[1]
        spec = get_field(obj_def, name)
        if spec is None:
            errors.setdefault(name, []).append(_("Unknown field."))
            continue
        if op not in OPERATORS:
            errors.setdefault(name, []).append(
                _("Unknown operator “%(op)s”; use one of: %(ops)s.")
                % {"op": op, "ops": ", ".join(OPERATORS)}
            )
            continue
        try:
            queryset = queryset.filter(condition_q(spec, op, parts[2] if len(parts) == 3 else ""))
        except DjangoValidationError as exc:
            errors.setdefault(name, []).extend(_messages(exc))
    term = params.get("search", "").strip()
    if term and obj_def.search_fields:
        q = Q()
        for name in obj_def.search_fields:
            q |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(q)
    ordering = params.get("ordering", "").strip()
    if ordering:
        order_by = []
        for item in (part.strip() for part in ordering.split(",")):
            if not item:
                continue
            desc, name = item.startswith("-"), item.lstrip("-")
            if name in ("id", "pk"):
                path = "pk"
            else:
                spec = get_field(obj_def, name)
                if spec is None:
                    errors.setdefault("ordering", []).append(
                        _("Unknown field “%(field)s”.") % {"field": name}
                    )
                    continue
                path = (
                    spec.name + "_id"
                    if spec.type in ("lookup", "owner") and not spec.is_custom
                    else spec.orm
                )
            order_by.append(("-" if desc else "") + path)
        # The primary key breaks ties, so pages never repeat or skip a row.
        queryset = queryset.order_by(*order_by, "-pk")
    if errors:
        raise serializers.ValidationError(errors)
    return queryset
