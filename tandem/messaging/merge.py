"""The merge-field language of email and notification templates, and nothing more.

A merge field is `{{Object.Field}}`, `{{Object.Lookup.Field}}` or either with a fallback for
empty values: `{{Contact.FirstName|"Valued customer"}}`. Only names found in the dictionary
given are replaced; there are no tags, filters, loops or attribute access, so nothing in a
template is ever executed. Values are HTML-escaped when merged into an HTML body.
"""

import re

from django.utils.html import escape
from django.utils.translation import gettext as _

NAME = r"[A-Za-z][A-Za-z0-9_]*"
FIELD = re.compile(
    r"\{\{\s*(" + NAME + r"(?:\." + NAME + r"){1,2})\s*(?:\|\s*\"([^\"{}]*)\"\s*)?\}\}"
)
# Anything that looks like template code: a {{ ... }} or {% ... %} span, or a lone opener.
BRACES = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\{%", re.DOTALL)


def merge(text: str, values: dict[str, object], html: bool = False) -> str:
    """Replace each merge field by its value (or its fallback when empty)."""

    def replace(match):
        value = values.get(match.group(1))
        if value in (None, ""):
            value = match.group(2) or ""
        value = str(value)
        return escape(value) if html else value

    return FIELD.sub(replace, text or "")


def tokens(*texts: str) -> set[str]:
    """The merge-field names used in `texts` ("Contact.FirstName", ...)."""
    return {m.group(1) for text in texts for m in FIELD.finditer(text or "")}


def unknown_fields(text: str, known) -> list[str]:
    return sorted(tokens(text) - set(known))


def problems(text: str, known) -> list[str]:
    """What is wrong with a template text, one message per bad token, naming it."""
    errors = []
    for match in BRACES.finditer(text or ""):
        span = match.group(0)
        if FIELD.fullmatch(span):
            continue
        if span.startswith("{%"):
            errors.append(
                _(
                    "“%(token)s”: template tags are not allowed; use merge fields like {{Contact.FirstName}}."
                )
                % {"token": span[:60]}
            )
        elif span in ("{{", "{%"):
            errors.append(_("A “{{” is not closed with “}}”."))
        else:
            errors.append(
                _(
                    "“%(token)s” is not a merge field: write {{Object.Field}} or "
                    '{{Object.Field|"fallback"}}.'
                )
                % {"token": span[:60]}
            )
    for name in unknown_fields(text, known):
        errors.append(_("Unknown merge field “{{%(token)s}}”.") % {"token": name})
    return errors
