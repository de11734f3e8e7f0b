"""Setup pages of lead distribution, the mass change of owner endpoint and its progress page.

Setup pages are for administrators (Customize Application); anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tandem.assignment import actions
from tandem.assignment.forms import (
    AssignmentRuleForm,
    MassOwnerForm,
    RoundRobinGroupForm,
    RuleEntryForm,
    template_choices,
)
from tandem.assignment.models import (
    AssignmentRule,
    AssignmentRuleEntry,
    MassOwnerJob,
    RoundRobinGroup,
)
from tandem.core import registry
from tandem.core.fields import all_fields
from tandem.core.filters import OPERATORS
from tandem.core.models import Company
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, form_page, setup_render


def _crumbs():
    return [(_("Lead Assignment"), reverse("assignment:setup"))]


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def describe_criteria(obj_def, entry: AssignmentRuleEntry) -> str:
    """“Country equals Italy AND Industry equals Banking”, or “All records”."""
    if not entry.criteria:
        return _("All records")
    labels = {s.name: s.label for s in all_fields(obj_def)}
    joiner = " %s " % (_("OR") if entry.criteria_logic == "or" else _("AND"))
    return joiner.join(
        " ".join(
            str(p)
            for p in (
                labels.get(c.get("field"), c.get("field")),
                OPERATORS.get(c.get("op"), c.get("op")),
                c.get("value", ""),
            )
        ).strip()
        for c in entry.criteria
    )


def describe_target(entry: AssignmentRuleEntry) -> str:
    if entry.do_not_reassign:
        return _("Keep the current owner")
    target = entry.target
    if target is None:
        return _("Nobody (the target was removed)")
    return f"{entry.get_target_kind_display()}: {target}"


# Overview ----------------------------------------------------------------------------------


@admin_required
def setup_home(request):
    rules = list(AssignmentRule.objects.prefetch_related("entries"))
    for rule in rules:
        obj_def = registry.find(rule.object_name)
        rule.object_label = obj_def.label if obj_def else rule.object_name
    groups = list(RoundRobinGroup.objects.prefetch_related("members__user", "members__queue"))
    return setup_render(
        request,
        "assignment/setup_home.html",
        {
            "page_title": _("Lead Assignment"),
            "rules": rules,
            "groups": groups,
            "default_owner": Company.current().default_lead_owner,
        },
    )


# Round-robin groups ------------------------------------------------------------------------


def _group_page(request, form, title):
    return setup_render(
        request,
        "assignment/round_robin_form.html",
        {
            "page_title": title,
            "form": form,
            "cancel_url": reverse("assignment:setup"),
            "breadcrumbs": _crumbs(),
        },
        status=_status(form),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def group_add(request):
    form = RoundRobinGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("Round-robin group “%(name)s” was created.") % {"name": group})
        return redirect("assignment:setup")
    return _group_page(request, form, _("New round-robin group"))


@admin_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = get_object_or_404(RoundRobinGroup, pk=pk)
    form = RoundRobinGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Round-robin group “%(name)s” was saved.") % {"name": group})
        return redirect("assignment:setup")
    return _group_page(request, form, _("Edit round-robin group %(name)s") % {"name": group})


@admin_required
@require_http_methods(["GET", "POST"])
def group_delete(request, pk):
    group = get_object_or_404(RoundRobinGroup, pk=pk)
    cancel = reverse("assignment:setup")
    used_by = [
        _("Entry %(order)s of assignment rule “%(rule)s”") % {"order": e.sort_order, "rule": e.rule}
        for e in group.rule_entries.select_related("rule")
    ]
    if request.method == "POST" and not used_by:
        try:
            group.delete()
        except ProtectedError:
            raise Http404 from None
        messages.success(request, _("Round-robin group “%(name)s” was deleted.") % {"name": group})
        return redirect(cancel)
    return confirm_delete(request, group, cancel, blockers=used_by, breadcrumbs=_crumbs())


# Assignment rules --------------------------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def rule_add(request):
    form = AssignmentRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = form.save()
        messages.success(
            request, _("Assignment rule “%(name)s” was created. Add its entries.") % {"name": rule}
        )
        return redirect("assignment:rule", pk=rule.pk)
    return form_page(
        request, form, _("New assignment rule"), reverse("assignment:setup"), _crumbs()
    )


@admin_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    form = AssignmentRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Assignment rule “%(name)s” was saved.") % {"name": rule})
        return redirect("assignment:rule", pk=rule.pk)
    return form_page(
        request,
        form,
        _("Edit assignment rule %(name)s") % {"name": rule},
        reverse("assignment:rule", args=[rule.pk]),
        _crumbs(),
    )


@admin_required
def rule_detail(request, pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    obj_def = registry.get(rule.object_name)
    entries = list(
        rule.entries.select_related("user", "queue", "round_robin").order_by("sort_order", "id")
    )
    templates = dict(template_choices())
    rows = [
        (
            e,
            describe_criteria(obj_def, e),
            describe_target(e),
            templates.get(e.email_template, e.email_template),
        )
        for e in entries
    ]
    return setup_render(
        request,
        "assignment/rule_detail.html",
        {
            "page_title": _("Assignment rule %(name)s") % {"name": rule},
            "rule": rule,
            "obj_def": obj_def,
            "rows": rows,
            "default_owner": actions.default_owner(rule.object_name),
            "breadcrumbs": _crumbs(),
        },
    )


@admin_required
@require_POST
def rule_activate(request, pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    if request.POST.get("active") == "1":
        actions.activate_rule(rule)
        messages.success(
            request, _("“%(name)s” is now the active assignment rule.") % {"name": rule}
        )
    else:
        actions.deactivate_rule(rule)
        messages.success(
            request,
            _("“%(name)s” was deactivated; no rule assigns new records now.") % {"name": rule},
        )
    return redirect("assignment:rule", pk=rule.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def rule_delete(request, pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    cancel = reverse("assignment:rule", args=[rule.pk])
    if request.method == "POST":
        rule.delete()
        messages.success(request, _("Assignment rule “%(name)s” was deleted.") % {"name": rule})
        return redirect("assignment:setup")
    count = rule.entries.count()
    consequences = [
        ngettext(
            "Its %(n)d entry is deleted with it.", "Its %(n)d entries are deleted with it.", count
        )
        % {"n": count}
    ]
    if rule.is_active:
        consequences.append(_("No rule will assign new records until another one is activated."))
    return confirm_delete(request, rule, cancel, consequences=consequences, breadcrumbs=_crumbs())


def _entry_page(request, rule, form, title):
    return setup_render(
        request,
        "assignment/entry_form.html",
        {
            "page_title": title,
            "rule": rule,
            "form": form,
            "cancel_url": reverse("assignment:rule", args=[rule.pk]),
            "breadcrumbs": _crumbs() + [(rule.name, reverse("assignment:rule", args=[rule.pk]))],
        },
        status=_status(form),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def entry_add(request, pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    form = RuleEntryForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rule entry saved."))
        return redirect("assignment:rule", pk=rule.pk)
    return _entry_page(request, rule, form, _("New rule entry"))


@admin_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk, entry_pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    entry = get_object_or_404(AssignmentRuleEntry, pk=entry_pk, rule=rule)
    form = RuleEntryForm(request.POST or None, rule=rule, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rule entry saved."))
        return redirect("assignment:rule", pk=rule.pk)
    return _entry_page(
        request, rule, form, _("Edit rule entry %(order)s") % {"order": entry.sort_order}
    )


@admin_required
@require_POST
def entry_delete(request, pk, entry_pk):
    rule = get_object_or_404(AssignmentRule, pk=pk)
    entry = get_object_or_404(AssignmentRuleEntry, pk=entry_pk, rule=rule)
    entry.delete()
    messages.success(request, _("Rule entry deleted."))
    return redirect("assignment:rule", pk=rule.pk)


@admin_required
@require_POST
def entry_move(request, pk, entry_pk):
    """Move an entry one place up or down, then number the entries 10, 20, 30..."""
    rule = get_object_or_404(AssignmentRule, pk=pk)
    with transaction.atomic():
        entries = list(
            AssignmentRuleEntry.objects.select_for_update()
            .filter(rule=rule)
            .order_by("sort_order", "id")
        )
        index = next((i for i, e in enumerate(entries) if e.pk == entry_pk), None)
        if index is None:
            raise Http404
        other = index - 1 if request.POST.get("direction") == "up" else index + 1
        if 0 <= other < len(entries):
            entries[index], entries[other] = entries[other], entries[index]
        for i, entry in enumerate(entries):
            if entry.sort_order != (i + 1) * 10:
                entry.sort_order = (i + 1) * 10
                entry.save(update_fields=["sort_order", "updated_at"])
    return redirect("assignment:rule", pk=rule.pk)


# Mass change of owner ----------------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def mass_owner(request):
    """Change the owner of the records selected in a list view.

    Posted from a list view with `object_name`, `ids` (repeated) and `next`: shows the form to
    pick the new owner. Posted again with `confirm=1`, `new_owner` or `new_queue` and
    `send_email`: changes the owners now (up to 200 records) or in the background.
    """
    obj_def = registry.find(request.POST.get("object_name", ""))
    if obj_def is None:
        raise Http404
    ids = request.POST.getlist("ids")
    back = _safe_next(request, reverse("record_list", args=[obj_def.slug]))
    form = MassOwnerForm(
        request.POST if request.POST.get("confirm") == "1" else None,
        initial={"object_name": obj_def.name},
        user=request.user,
        obj_def=obj_def,
    )
    ids_error = ""
    try:
        ids = actions.clean_ids(ids)
    except ValidationError as exc:
        ids_error = " ".join(exc.messages)
    if form.is_bound and form.is_valid() and not ids_error:
        try:
            outcome = actions.start_mass_change(
                request.user,
                obj_def.name,
                ids,
                form.cleaned_data.get("new_owner"),
                form.cleaned_data.get("new_queue"),
                form.cleaned_data.get("send_email", False),
            )
        except ValidationError as exc:
            for name, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                form.add_error(name if name in form.fields else None, errors)
        else:
            if isinstance(outcome, MassOwnerJob):
                return redirect(
                    reverse("assignment:job", args=[outcome.pk]) + "?" + urlencode({"next": back})
                )
            messages.success(request, result_message(outcome))
            for error in outcome.errors:
                messages.error(request, error)
            return redirect(back)
    return render(
        request,
        "assignment/mass_owner.html",
        {
            "page_title": _("Change Owner"),
            "obj_def": obj_def,
            "form": form,
            "ids": ids if not ids_error else [],
            "ids_error": ids_error,
            "next": back,
            "background": not ids_error and len(ids) > actions.BACKGROUND_THRESHOLD,
        },
        status=400 if (form.is_bound and form.errors) or ids_error else 200,
    )


def result_message(result) -> str:
    text = ngettext(
        "The owner of %(n)d record was changed.",
        "The owner of %(n)d records was changed.",
        result.changed,
    ) % {"n": result.changed}
    if result.skipped:
        text += " " + ngettext(
            "%(n)d record was skipped: you may not transfer it.",
            "%(n)d records were skipped: you may not transfer them.",
            result.skipped,
        ) % {"n": result.skipped}
    return text


@login_required
def job_status(request, pk):
    """The progress of a background mass change; HTMX polls the fragment until it finishes."""
    job = get_object_or_404(MassOwnerJob, pk=pk, created_by=request.user)
    obj_def = registry.find(job.object_name)
    back = request.GET.get("next") or ""
    if not (
        back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    ):
        back = reverse("record_list", args=[obj_def.slug]) if obj_def else reverse("home")
    context = {
        "job": job,
        "obj_def": obj_def,
        "next": back,
        "summary": result_message(job) if job.finished else "",
        "page_title": _("Change Owner: progress"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "assignment/_job_progress.html", context)
    return render(request, "assignment/job.html", context)
