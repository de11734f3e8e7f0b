"""Picklist values per object and field: add, relabel, reorder, deactivate, set the default."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.fields import CUSTOM_PREFIX, custom_fields, standard_fields
from tandem.core.models import PicklistValue
from tandem.setup.forms.fields import PICKLIST_TYPES
from tandem.setup.forms.picklists import PicklistValueForm, is_lead_status, is_stage
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import form_page, get_object_def, setup_render


def picklist_fields(obj) -> list[tuple[str, str]]:
    """(field name, label) of every picklist of the object, standard then custom."""
    labels = {s.name: s.label for s in standard_fields(obj)}
    fields = [(name, labels.get(name, name)) for name in obj.picklists]
    fields += [(s.name, s.label) for s in custom_fields(obj) if s.type in PICKLIST_TYPES]
    return fields


def _resolve(object_name, field_name):
    obj = get_object_def(object_name)
    label = dict(picklist_fields(obj)).get(field_name)
    if label is None:
        raise Http404
    return obj, label


def _values(obj, field_name):
    return PicklistValue.objects.filter(object_name=obj.name, field_name=field_name).order_by(
        "sort_order", "pk"
    )


def _crumbs(obj):
    return [
        (_("Object Manager"), reverse("setup:objects")),
        (
            _("%(object)s picklists") % {"object": obj.label},
            reverse("setup:picklists", args=[obj.name]),
        ),
    ]


@admin_required
def picklist_list(request, object_name):
    obj = get_object_def(object_name)
    rows = []
    for name, label in picklist_fields(obj):
        values = list(_values(obj, name).filter(is_active=True).values_list("label", flat=True))
        rows.append((name, label, values, name.startswith(CUSTOM_PREFIX)))
    return setup_render(
        request,
        "setup/picklists.html",
        {
            "page_title": _("%(object)s picklists") % {"object": obj.label},
            "obj": obj,
            "rows": rows,
            "breadcrumbs": [(_("Object Manager"), reverse("setup:objects"))],
        },
    )


@admin_required
def picklist_detail(request, object_name, field_name):
    obj, label = _resolve(object_name, field_name)
    form = PicklistValueForm(
        request.POST or None, object_name=obj.name, field_name=field_name, field_label=label
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                value = form.save(commit=False)
                value.object_name, value.field_name = obj.name, field_name
                top = _values(obj, field_name).aggregate(m=Max("sort_order"))["m"]
                value.sort_order = 0 if top is None else top + 1
                value.save()
        except IntegrityError:
            # Someone added the same value between our check and our insert.
            form.add_error(
                "value",
                _("“%(value)s” is already a value of %(field)s.")
                % {"value": form.cleaned_data["value"], "field": label},
            )
        else:
            messages.success(
                request,
                _("“%(value)s” was added to %(field)s.") % {"value": value.label, "field": label},
            )
            return redirect("setup:picklist", object_name=obj.name, field_name=field_name)
    return setup_render(
        request,
        "setup/picklist.html",
        {
            "page_title": _("%(object)s: %(field)s values") % {"object": obj.label, "field": label},
            "obj": obj,
            "field_name": field_name,
            "values": _values(obj, field_name),
            "form": form,
            "is_stage": is_stage(obj.name, field_name),
            "is_lead_status": is_lead_status(obj.name, field_name),
            "breadcrumbs": _crumbs(obj),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _back(obj, field_name):
    return redirect("setup:picklist", object_name=obj.name, field_name=field_name)


@admin_required
def value_edit(request, object_name, field_name, pk):
    obj, label = _resolve(object_name, field_name)
    value = get_object_or_404(PicklistValue, pk=pk, object_name=obj.name, field_name=field_name)
    form = PicklistValueForm(
        request.POST or None,
        instance=value,
        object_name=obj.name,
        field_name=field_name,
        field_label=label,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(value)s” was saved.") % {"value": value.label})
        return _back(obj, field_name)
    return form_page(
        request,
        form,
        _("Edit value %(value)s") % {"value": value.value},
        cancel_url=reverse("setup:picklist", args=[obj.name, field_name]),
        breadcrumbs=_crumbs(obj)
        + [(label, reverse("setup:picklist", args=[obj.name, field_name]))],
    )


@admin_required
@require_POST
def value_toggle(request, object_name, field_name, pk):
    obj, _label = _resolve(object_name, field_name)
    value = get_object_or_404(PicklistValue, pk=pk, object_name=obj.name, field_name=field_name)
    if value.is_active and value.is_default:
        messages.error(
            request,
            _("“%(value)s” is the default value. Choose another default before deactivating it.")
            % {"value": value.label},
        )
    else:
        value.is_active = not value.is_active
        value.save(update_fields=["is_active"])
        if value.is_active:
            messages.success(request, _("“%(value)s” is active again.") % {"value": value.label})
        else:
            messages.success(
                request,
                _("“%(value)s” was deactivated: records keep it, new ones cannot choose it.")
                % {"value": value.label},
            )
    return _back(obj, field_name)


@admin_required
@require_POST
def value_default(request, object_name, field_name, pk):
    obj, _label = _resolve(object_name, field_name)
    value = get_object_or_404(PicklistValue, pk=pk, object_name=obj.name, field_name=field_name)
    if not value.is_active:
        messages.error(
            request,
            _("Activate “%(value)s” before making it the default.") % {"value": value.label},
        )
        return _back(obj, field_name)
    with transaction.atomic():
        if value.is_default:
            PicklistValue.objects.filter(pk=value.pk).update(is_default=False)
            messages.success(request, _("%(field)s has no default value now.") % {"field": _label})
        else:
            _values(obj, field_name).exclude(pk=value.pk).update(is_default=False)
            PicklistValue.objects.filter(pk=value.pk).update(is_default=True)
            messages.success(request, _("“%(value)s” is now the default.") % {"value": value.label})
    return _back(obj, field_name)


def _renumber(ids):
    for order, pk in enumerate(ids):
        PicklistValue.objects.filter(pk=pk).update(sort_order=order)


@admin_required
@require_POST
def value_move(request, object_name, field_name, pk, direction):
    obj, _label = _resolve(object_name, field_name)
    with transaction.atomic():
        ids = list(_values(obj, field_name).select_for_update().values_list("pk", flat=True))
        if pk not in ids:
            raise Http404
        i = ids.index(pk)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            _renumber(ids)
    return _back(obj, field_name)


@admin_required
@require_POST
def value_reorder(request, object_name, field_name):
    """Save a whole new order (from drag and drop): every value exactly once."""
    obj, _label = _resolve(object_name, field_name)
    try:
        wanted = [int(x) for x in request.POST.getlist("order")]
    except ValueError:
        wanted = []
    with transaction.atomic():
        ids = list(_values(obj, field_name).select_for_update().values_list("pk", flat=True))
        if sorted(wanted) != sorted(ids):
            messages.error(
                request, _("The order was not saved: the list changed meanwhile. Try again.")
            )
        else:
            _renumber(wanted)
            messages.success(request, _("The new order was saved."))
    return _back(obj, field_name)
