"""Amounts on forecast pages: thousands separated, two decimals, no currency (shown once)."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return "—"
    return intcomma(Decimal(value).quantize(Decimal("0.01")), use_l10n=False)
