"""Page layouts of an object: list, create, edit, delete."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import PageLayout
from tandem.setup.forms.layouts import PageLayoutForm, sections_to_text
from tandem.setup.layouts import starting_sections
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, get_object_def, setup_render


def _crumbs(obj):
    return [
        (_("Object Manager"), reverse("setup:objects")),
        (
            _("%(object)s page layouts") % {"object": obj.label},
            reverse("setup:layouts", args=[obj.name]),
        ),
    ]


@admin_required
def layout_list(request, object_name):
    obj = get_object_def(object_name)
    layouts = (
        PageLayout.objects.filter(object_name=obj.name)
        .prefetch_related("profiles")
        .order_by("-is_default", "name")
    )
    return setup_render(
        request,
        "setup/layouts.html",
        {
            "page_title": _("%(object)s page layouts") % {"object": obj.label},
            "obj": obj,
            "layouts": layouts,
            "breadcrumbs": [(_("Object Manager"), reverse("setup:objects"))],
        },
    )


def _layout_page(request, obj, form, title):
    return setup_render(
        request,
        "setup/layout_form.html",
        {
            "page_title": title,
            "obj": obj,
            "form": form,
            "specs": form.specs,
            "spec_data": [{"name": s.name, "label": s.label} for s in form.specs],
            "cancel_url": reverse("setup:layouts", args=[obj.name]),
            "breadcrumbs": _crumbs(obj),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@admin_required
def layout_add(request, object_name):
    obj = get_object_def(object_name)
    has_default = PageLayout.objects.filter(object_name=obj.name, is_default=True).exists()
    form = PageLayoutForm(
        request.POST or None,
        obj=obj,
        initial={
            "name": _("%(object)s Layout") % {"object": obj.label},
            "sections_text": sections_to_text(starting_sections(obj)),
            "is_default": not has_default,
        },
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            layout = form.save()
        messages.success(request, _("Page layout %(name)s was created.") % {"name": layout})
        return redirect("setup:layouts", object_name=obj.name)
    return _layout_page(request, obj, form, _("New %(object)s page layout") % {"object": obj.label})


@admin_required
def layout_edit(request, object_name, pk):
    obj = get_object_def(object_name)
    layout = get_object_or_404(PageLayout, pk=pk, object_name=obj.name)
    form = PageLayoutForm(request.POST or None, instance=layout, obj=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Page layout %(name)s was saved.") % {"name": layout})
        return redirect("setup:layouts", object_name=obj.name)
    return _layout_page(request, obj, form, _("Edit page layout %(name)s") % {"name": layout})


@admin_required
def layout_delete(request, object_name, pk):
    obj = get_object_def(object_name)
    layout = get_object_or_404(PageLayout, pk=pk, object_name=obj.name)
    blockers = []
    if layout.is_default:
        blockers.append(_("It is the default layout. Make another layout the default first."))
    cancel = reverse("setup:layouts", args=[obj.name])
    if request.method == "POST" and not blockers:
        layout.delete()
        messages.success(request, _("Page layout %(name)s was deleted.") % {"name": layout})
        return redirect(cancel)
    return confirm_delete(
        request,
        layout,
        cancel,
        blockers,
        consequences=[_("Profiles assigned to it will see the default layout.")],
        breadcrumbs=_crumbs(obj),
    )
