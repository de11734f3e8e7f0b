"""What every Setup page shares: the render helper, object lookup, delete confirmation."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import registry
from tandem.setup.permissions import can_customize, can_manage_users


def setup_render(request, template: str, context: dict, status: int = 200):
    context.setdefault("hide_sidebar", False)
    context["setup_perms"] = {
        "users": can_manage_users(request.user),
        "customize": can_customize(request.user),
    }
    return render(request, template, context, status=status)


def form_page(request, form, title: str, cancel_url: str = "", breadcrumbs=(), **extra):
    """A page holding one form; a form with errors answers 400 so scripts can tell."""
    status = 400 if form.is_bound and form.errors else 200
    return setup_render(
        request,
        extra.pop("template", "setup/form_page.html"),
        {
            "form": form,
            "page_title": title,
            "cancel_url": cancel_url,
            "breadcrumbs": list(breadcrumbs),
            **extra,
        },
        status=status,
    )


def get_object_def(object_name: str) -> registry.ObjectDef:
    obj = registry.find(object_name)
    if obj is None:
        raise Http404
    return obj


def name_list(items, limit: int = 10) -> str:
    """“A, B, C and 4 more”: enough names to act on without flooding the page."""
    names = [str(i) for i in items]
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    if rest > 0:
        shown += " " + ngettext("and %(n)d more", "and %(n)d more", rest) % {"n": rest}
    return shown


def confirm_delete(request, target, cancel_url: str, blockers=(), consequences=(), breadcrumbs=()):
    return setup_render(
        request,
        "setup/confirm_delete.html",
        {
            "page_title": _("Delete %(name)s") % {"name": target},
            "target": target,
            "blockers": list(blockers),
            "consequences": list(consequences),
            "cancel_url": cancel_url,
            "breadcrumbs": list(breadcrumbs),
        },
        status=409 if blockers and request.method == "POST" else 200,
    )
