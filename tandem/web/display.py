"""How field values are shown on pages: one place, so lists and record pages agree.

Custom lookup fields hold an id in the record's JSON column; `lookup_names` fetches the
records they point to for a whole page at once (through the door: a record the viewer
may not see shows no name), so a page of 50 rows costs one query per target object.
"""

import datetime
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.fields import FieldSpec, record_value


def _as_pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def lookup_names(records, specs, user) -> dict:
    """{(object name, pk): record} for the custom lookup values of `specs` on `records`."""
    wanted: dict[str, set[int]] = {}
    for spec in specs:
        if spec.is_custom and spec.type == "lookup" and spec.lookup_object:
            for record in records:
                pk = _as_pk(record_value(record, spec))
                if pk is not None:
                    wanted.setdefault(spec.lookup_object, set()).add(pk)
    found = {}
    for object_name, pks in wanted.items():
        if object_name == "user":
            from tandem.access.models import User

            rows = User.objects.filter(pk__in=pks)
        elif registry.find(object_name):
            rows = (
                registry.get(object_name).model.objects.visible_to(user, "read").filter(pk__in=pks)
            )
        else:
            continue
        found.update({(object_name, row.pk): row for row in rows})
    return found


def show(record, spec: FieldSpec, link: bool = True, names: dict | None = None):
    """The value of `spec` on `record`, formatted and HTML-escaped.

    `names` comes from `lookup_names`; without it a custom lookup shows a "View" link.
    """
    value = record_value(record, spec)
    if spec.name == "owner" and value is None and getattr(record, "owner_queue_id", None):
        return _("%(queue)s (Queue)") % {"queue": record.owner_queue}
    if value is None or value == "" or value == []:
        return ""
    if spec.type in ("lookup", "owner"):
        if hasattr(value, "pk"):
            target = getattr(value, "object_def", None)
            if link and target is not None:
                return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
            return str(value)
        if names is not None and spec.is_custom:
            target = names.get((spec.lookup_object, _as_pk(value)))
            if target is None:
                return _("(hidden record)")
            if spec.lookup_object == "user":
                return target.full_name
            return (
                format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)
                if link
                else str(target)
            )
        if spec.is_custom and spec.lookup_object and registry.find(spec.lookup_object):
            return format_html(
                '<a href="/{}/{}/">{}</a>', registry.get(spec.lookup_object).slug, value, _("View")
            )
        return str(value)
    if spec.type == "checkbox":
        return format_html(
            '<i class="bi {}" aria-label="{}"></i>',
            "bi-check-square" if value else "bi-square",
            _("Yes") if value else _("No"),
        )
    if spec.type == "currency":
        currency = getattr(record, "currency", "") or ""
        return f"{currency} {intcomma(Decimal(str(value)).quantize(Decimal('0.01')))}".strip()
    if spec.type == "percent":
        return f"{value}%"
    if spec.type == "datetime":
        if isinstance(value, str):
            return value.replace("T", " ")[:16]
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if spec.type == "date":
        if isinstance(value, str):
            return value
        return (
            formats.date_format(value, "SHORT_DATE_FORMAT")
            if isinstance(value, datetime.date)
            else value
        )
    if spec.type == "email":
        return format_html('<a href="mailto:{}">{}</a>', value, value)
    if spec.type == "url":
        if not str(value).lower().startswith(("http://", "https://")):
            return str(value)
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', value, value
        )
    if spec.type == "phone":
        return format_html('<a href="tel:{}">{}</a>', value, value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
