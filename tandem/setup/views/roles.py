"""The role hierarchy as a tree: add a child, rename, move, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.access.hierarchy import rebuild_role_closure, role_tree, save_role
from tandem.access.models import TARGET_ROLE, TARGET_ROLE_SUBS, Role, SharingRule
from tandem.setup.forms.roles import RoleForm
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, form_page, name_list, setup_render


def _crumbs():
    return [(_("Roles"), reverse("setup:roles"))]


@admin_required
def role_list(request):
    counts = dict(Role.objects.annotate(n=Count("users")).values_list("pk", "n"))
    rows = [(role, depth, counts.get(role.pk, 0)) for role, depth in role_tree()]
    return setup_render(request, "setup/roles.html", {"page_title": _("Roles"), "rows": rows})


def _save(request, form):
    role = form.save(commit=False)
    try:
        save_role(role)
    except ValidationError as exc:
        # A concurrent move may have made this a cycle after the form checked it.
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    return role


@admin_required
def role_add(request):
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        initial["parent"] = Role.objects.filter(pk=parent_id).first()
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        role = _save(request, form)
        if role is not None:
            messages.success(request, _("Role %(name)s was added.") % {"name": role})
            return redirect("setup:roles")
    return form_page(
        request, form, _("New role"), cancel_url=reverse("setup:roles"), breadcrumbs=_crumbs()
    )


@admin_required
def role_edit(request, pk):
    role = get_object_or_404(Role, pk=pk)
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid() and _save(request, form) is not None:
        messages.success(request, _("Role %(name)s was saved.") % {"name": role})
        return redirect("setup:roles")
    return form_page(
        request,
        form,
        _("Edit role %(name)s") % {"name": role},
        cancel_url=reverse("setup:roles"),
        breadcrumbs=_crumbs(),
        intro=_("Moving a role takes effect on the next page anyone opens."),
    )


@admin_required
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk)
    blockers = []
    users = list(role.users.order_by("last_name", "first_name"))
    if users:
        blockers.append(
            ngettext(
                "%(count)d user has this role: %(names)s. Move them to another role first.",
                "%(count)d users have this role: %(names)s. Move them to another role first.",
                len(users),
            )
            % {"count": len(users), "names": name_list(users)}
        )
    children = list(role.children.all())
    if children:
        blockers.append(
            ngettext(
                "%(count)d role reports to it: %(names)s. Move or delete it first.",
                "%(count)d roles report to it: %(names)s. Move or delete them first.",
                len(children),
            )
            % {"count": len(children), "names": name_list(children)}
        )
    role_kinds = (TARGET_ROLE, TARGET_ROLE_SUBS)
    rules = SharingRule.objects.filter(
        Q(source_kind__in=role_kinds, source_id=role.pk)
        | Q(target_kind__in=role_kinds, target_id=role.pk)
    )
    if rules.exists():
        blockers.append(
            _("Sharing rules use it: %(names)s. Change or delete them first.")
            % {"names": name_list(rules)}
        )
    if request.method == "POST" and not blockers:
        role.delete()
        rebuild_role_closure()
        messages.success(request, _("Role %(name)s was deleted.") % {"name": role})
        return redirect("setup:roles")
    return confirm_delete(request, role, reverse("setup:roles"), blockers, breadcrumbs=_crumbs())
