"""Fields of an object: the standard ones (read-only here) and custom fields."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.access.models import SharingRule
from tandem.core import registry
from tandem.core.fields import CUSTOM_PREFIX, TYPE_LABELS, custom_fields, standard_fields
from tandem.core.models import CustomField, ListView, PicklistValue
from tandem.sales.lead_mapping import TARGET_OBJECTS, forget_target, mappings, sources_mapped_to
from tandem.setup.forms.fields import (
    PICKLIST_TYPES,
    CustomFieldCreateForm,
    CustomFieldEditForm,
    LeadMappingForm,
)
from tandem.setup.layouts import add_field_to_default_layout, remove_field_from_layouts
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import (
    confirm_delete,
    form_page,
    get_object_def,
    name_list,
    setup_render,
)


def _crumbs(obj):
    return [
        (_("Object Manager"), reverse("setup:objects")),
        (_("%(object)s fields") % {"object": obj.label}, reverse("setup:fields", args=[obj.name])),
    ]


@admin_required
def field_list(request, object_name):
    obj = get_object_def(object_name)
    custom = custom_fields(obj)
    if obj.name == "lead":
        by_source: dict[int, list] = {}
        for m in mappings(sources=[s.definition for s in custom]):
            by_source.setdefault(m.source.pk, []).append(m)
        custom = [(spec, by_source.get(spec.definition.pk, [])) for spec in custom]
    else:
        custom = [(spec, None) for spec in custom]
    return setup_render(
        request,
        "setup/fields.html",
        {
            "page_title": _("%(object)s fields") % {"object": obj.label},
            "obj": obj,
            "standard": standard_fields(obj),
            "custom": custom,
            "is_lead": obj.name == "lead",
            "type_labels": TYPE_LABELS,
            "picklist_types": PICKLIST_TYPES,
            "breadcrumbs": [(_("Object Manager"), reverse("setup:objects"))],
        },
    )


def _create_field(obj, form) -> CustomField:
    """The field, its picklist values and its place on the default layout, all or nothing."""
    with transaction.atomic():
        field = form.save()
        if field.field_type in PICKLIST_TYPES:
            defaults = {v.strip() for v in field.default_value.split(";") if v.strip()}
            PicklistValue.objects.bulk_create(
                PicklistValue(
                    object_name=obj.name,
                    field_name=CUSTOM_PREFIX + field.name,
                    value=value,
                    label=value,
                    sort_order=order,
                    is_default=value in defaults,
                )
                for order, value in enumerate(form.values)
            )
        add_field_to_default_layout(obj, CUSTOM_PREFIX + field.name)
    return field


@admin_required
def field_add(request, object_name):
    obj = get_object_def(object_name)
    form = CustomFieldCreateForm(request.POST or None, obj=obj)
    if request.method == "POST" and form.is_valid():
        try:
            field = _create_field(obj, form)
        except IntegrityError:
            # Someone created a field with this name between our check and our insert.
            form.add_error(
                "name",
                _("%(object)s already has a custom field named %(name)s.")
                % {"object": obj.label, "name": form.cleaned_data["name"]},
            )
        else:
            messages.success(
                request,
                _("Field %(label)s was added to %(object)s and to its default page layout.")
                % {"label": field.label, "object": obj.label_plural},
            )
            return redirect("setup:fields", object_name=obj.name)
    return form_page(
        request,
        form,
        _("New %(object)s field") % {"object": obj.label},
        cancel_url=reverse("setup:fields", args=[obj.name]),
        breadcrumbs=_crumbs(obj),
        template="setup/field_form.html",
    )


@admin_required
def field_edit(request, object_name, pk):
    obj = get_object_def(object_name)
    field = get_object_or_404(CustomField, pk=pk, object_name=obj.name)
    form = CustomFieldEditForm(request.POST or None, instance=field, obj=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if field.field_type in PICKLIST_TYPES:
                defaults = {v.strip() for v in field.default_value.split(";") if v.strip()}
                values = PicklistValue.objects.filter(
                    object_name=obj.name, field_name=CUSTOM_PREFIX + field.name
                )
                values.exclude(value__in=defaults).update(is_default=False)
                values.filter(value__in=defaults).update(is_default=True)
        messages.success(request, _("Field %(label)s was saved.") % {"label": field.label})
        return redirect("setup:fields", object_name=obj.name)
    return form_page(
        request,
        form,
        _("Edit field %(label)s") % {"label": field.label},
        cancel_url=reverse("setup:fields", args=[obj.name]),
        breadcrumbs=_crumbs(obj),
        intro=_("Type: %(type)s. API name: %(name)s.")
        % {"type": field.get_field_type_display(), "name": CUSTOM_PREFIX + field.name},
    )


@admin_required
def field_delete(request, object_name, pk):
    obj = get_object_def(object_name)
    field = get_object_or_404(CustomField, pk=pk, object_name=obj.name)
    full_name = CUSTOM_PREFIX + field.name
    rules = [
        r
        for r in SharingRule.objects.filter(object_name=obj.name, kind=SharingRule.KIND_CRITERIA)
        if any(c.get("field") in (full_name, "custom__" + field.name) for c in r.criteria)
    ]
    blockers = []
    if rules:
        blockers.append(
            _("Sharing rules use it in their criteria: %(names)s. Change them first.")
            % {"names": name_list(rules)}
        )
    cancel = reverse("setup:fields", args=[obj.name])
    mapped_from = sources_mapped_to(field) if obj.name in TARGET_OBJECTS else []
    if request.method == "POST" and not blockers:
        with transaction.atomic():
            if mapped_from:
                forget_target(field)
            PicklistValue.objects.filter(object_name=obj.name, field_name=full_name).delete()
            remove_field_from_layouts(obj.name, full_name)
            for view in ListView.objects.filter(object_name=obj.name):
                columns = [c for c in view.columns if c != full_name]
                filters = [
                    f
                    for f in view.filters
                    if f.get("field") not in (full_name, "custom__" + field.name)
                ]
                if columns != view.columns or filters != view.filters:
                    view.columns, view.filters = columns, filters
                    view.save(update_fields=["columns", "filters"])
            field.delete()
        messages.success(request, _("Field %(label)s was deleted.") % {"label": field.label})
        return redirect(cancel)
    return confirm_delete(
        request,
        field.label,
        cancel,
        blockers,
        consequences=[
            _("Values stored in this field are no longer shown."),
            _("It is removed from page layouts and list views."),
            *(
                [
                    _("Lead conversion stops copying these lead fields into it: %(names)s.")
                    % {"names": name_list(mapped_from)}
                ]
                if mapped_from
                else []
            ),
        ],
        breadcrumbs=_crumbs(obj),
    )


@admin_required
def lead_field_mapping(request):
    """Map Lead Fields: where each lead custom field's value goes when a lead is converted."""
    from tandem.core.models import CustomField

    sources = list(CustomField.objects.filter(object_name="lead"))
    form = LeadMappingForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Lead field mapping saved."))
        return redirect("setup:lead_field_mapping")
    problems = {}
    for m in mappings(sources=sources):
        if m.problem:
            problems.setdefault(m.source.pk, []).append(m.problem)
    return setup_render(
        request,
        "setup/lead_mapping.html",
        {
            "page_title": _("Map Lead Fields"),
            "form": form,
            "rows": [(s, fields, problems.get(s.pk, [])) for s, fields in form.bound_rows()],
            "objects": [registry.get(o).label for o in TARGET_OBJECTS],
            "breadcrumbs": [
                (_("Object Manager"), reverse("setup:objects")),
                (_("Lead fields"), reverse("setup:fields", args=["lead"])),
            ],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
