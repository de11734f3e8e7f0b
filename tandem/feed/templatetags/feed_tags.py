"""Showing a post: its text escaped, line breaks kept, the people it mentions highlighted."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def feed_body(post) -> str:
    text = escape(post.body)
    names = sorted({m.user.full_name for m in post.mentions.all()}, key=len, reverse=True)
    if names:
        # Names are matched in the escaped text, so what is wrapped is already escaped.
        pattern = "|".join(re.escape(escape("@" + name)) for name in names)
        text = re.sub(
            f"({pattern})(?!\\w)",
            lambda m: f'<span class="feed-mention fw-semibold text-primary">{m.group(1)}</span>',
            text,
            flags=re.IGNORECASE,
        )
    return mark_safe(text.replace("\n", "<br>"))
