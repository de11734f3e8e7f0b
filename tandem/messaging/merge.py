"""Merge fields in notification texts: {{Lead.Company}} or {{Lead.Company|"your company"}}.

Only names found in the dictionary given are replaced; nothing in a template is executed.
"""

import re

from django.utils.html import escape

FIELD = re.compile(r"\{\{\s*([A-Za-z][\w]*\.[A-Za-z][\w]*)\s*(?:\|\s*\"([^\"]*)\"\s*)?\}\}")


def merge(text: str, values: dict[str, object], html: bool = False) -> str:
    def replace(match):
        value = values.get(match.group(1))
        if value in (None, ""):
            value = match.group(2) or ""
        value = str(value)
        return escape(value) if html else value

    return FIELD.sub(replace, text)


def unknown_fields(text: str, known) -> list[str]:
    return sorted({m.group(1) for m in FIELD.finditer(text)} - set(known))
