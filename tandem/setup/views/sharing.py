"""Organisation-wide defaults and the sharing rules of each object."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.access.models import OWD_CHOICES, OrgDefault, SharingRule
from tandem.core import registry
from tandem.core.fields import all_fields
from tandem.core.filters import OPERATORS
from tandem.setup.forms.sharing import OrgDefaultsForm, SharingRuleForm, principal_label
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, get_object_def, setup_render


def _crumbs():
    return [(_("Sharing Settings"), reverse("setup:sharing"))]


@admin_required
def sharing_settings(request):
    form = OrgDefaultsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(
            request, _("Organisation-wide defaults were saved. They apply from the next page.")
        )
        return redirect("setup:sharing")
    rule_counts = {}
    for rule in SharingRule.objects.only("object_name"):
        rule_counts[rule.object_name] = rule_counts.get(rule.object_name, 0) + 1
    return setup_render(
        request,
        "setup/sharing.html",
        {
            "page_title": _("Sharing Settings"),
            "form": form,
            "rule_counts": [(obj, rule_counts.get(obj.name, 0)) for obj in registry.all_objects()],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@admin_required
def rule_list(request, object_name):
    obj = get_object_def(object_name)
    owd = OrgDefault.objects.filter(object_name=obj.name).first()
    labels = dict(OWD_CHOICES)
    field_labels = {s.name: s.label for s in all_fields(obj)}
    rules = []
    for rule in SharingRule.objects.filter(object_name=obj.name).order_by("name"):
        if rule.kind == SharingRule.KIND_OWNER:
            source = principal_label(rule.source_kind, rule.source_id)
        else:
            joiner = " %s " % (_("OR") if rule.criteria_logic == "or" else _("AND"))
            source = joiner.join(
                " ".join(
                    str(part)
                    for part in (
                        field_labels.get(c.get("field"), c.get("field")),
                        OPERATORS.get(c.get("op"), c.get("op")),
                        c.get("value", ""),
                    )
                ).strip()
                for c in rule.criteria
            )
        rules.append((rule, source, principal_label(rule.target_kind, rule.target_id)))
    return setup_render(
        request,
        "setup/sharing_rules.html",
        {
            "page_title": _("%(object)s sharing rules") % {"object": obj.label},
            "obj": obj,
            "rules": rules,
            "owd_internal": labels.get(owd.internal_access if owd else obj.default_owd),
            "owd_external": labels.get(owd.external_access if owd else obj.default_owd),
            "breadcrumbs": _crumbs(),
        },
    )


def _rule_form_page(request, obj, form, title):
    return setup_render(
        request,
        "setup/sharing_rule_form.html",
        {
            "page_title": title,
            "obj": obj,
            "form": form,
            "cancel_url": reverse("setup:sharing_rules", args=[obj.name]),
            "breadcrumbs": _crumbs()
            + [(obj.label_plural, reverse("setup:sharing_rules", args=[obj.name]))],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@admin_required
def rule_add(request, object_name):
    obj = get_object_def(object_name)
    form = SharingRuleForm(request.POST or None, obj=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            rule = form.save()
        messages.success(
            request,
            _("Sharing rule %(name)s was created. It applies from the next page.") % {"name": rule},
        )
        return redirect("setup:sharing_rules", object_name=obj.name)
    return _rule_form_page(
        request, obj, form, _("New %(object)s sharing rule") % {"object": obj.label}
    )


@admin_required
def rule_edit(request, object_name, pk):
    obj = get_object_def(object_name)
    rule = get_object_or_404(SharingRule, pk=pk, object_name=obj.name)
    form = SharingRuleForm(request.POST or None, obj=obj, instance=rule)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Sharing rule %(name)s was saved.") % {"name": rule})
        return redirect("setup:sharing_rules", object_name=obj.name)
    return _rule_form_page(request, obj, form, _("Edit sharing rule %(name)s") % {"name": rule})


@admin_required
def rule_delete(request, object_name, pk):
    obj = get_object_def(object_name)
    rule = get_object_or_404(SharingRule, pk=pk, object_name=obj.name)
    cancel = reverse("setup:sharing_rules", args=[obj.name])
    if request.method == "POST":
        rule.delete()
        messages.success(request, _("Sharing rule %(name)s was deleted.") % {"name": rule})
        return redirect(cancel)
    return confirm_delete(request, rule, cancel, breadcrumbs=_crumbs())
