"""Dashboards: the list, a dashboard (HTMX filters and refresh), edit mode, components, layout.

A dashboard the user may not open answers 404, as a hidden record does. Views stay thin:
the data comes from rendering.render_dashboard, every write goes through actions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.dashboards import actions
from tandem.dashboards.forms import ComponentForm, DashboardForm, known_filter_fields
from tandem.dashboards.models import MAX_COMPONENTS, WIDTHS, Dashboard, DashboardComponent
from tandem.dashboards.rendering import render_dashboard


def _internal(user):
    if user.is_external:
        raise Http404


def _dashboard_or_404(user, pk) -> Dashboard:
    _internal(user)
    return get_object_or_404(
        Dashboard.objects.for_user(user).select_related("folder", "owner", "running_user"), pk=pk
    )


def _editable_or_404(user, pk) -> Dashboard:
    dashboard = _dashboard_or_404(user, pk)
    if not dashboard.can_edit(user):
        raise Http404
    return dashboard


@login_required
def dashboard_list(request):
    _internal(request.user)
    dashboards = (
        Dashboard.objects.for_user(request.user)
        .select_related("folder", "owner", "running_user")
        .order_by("folder__name", "title", "pk")
    )
    return render(
        request,
        "dashboards/list.html",
        {"dashboards": dashboards, "page_title": _("Dashboards")},
    )


@login_required
def dashboard_new(request):
    _internal(request.user)
    form = DashboardForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        dashboard = form.apply(Dashboard(owner=request.user))
        try:
            actions.save_dashboard(request.user, dashboard)
        except ValidationError as exc:
            form.add_action_error(exc)
        else:
            messages.success(request, _("Dashboard created. Add its components."))
            return redirect("dashboards:edit", pk=dashboard.pk)
    return render(
        request,
        "dashboards/properties.html",
        {"form": form, "page_title": _("New Dashboard"), "fields": known_filter_fields()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def dashboard_view(request, pk):
    dashboard = _dashboard_or_404(request.user, pk)
    context = render_dashboard(dashboard, request.user, request.GET)
    context.update(
        {
            "dashboard": dashboard,
            "can_edit": dashboard.can_edit(request.user),
            "refreshed_at": timezone.now(),
            "page_title": dashboard.title,
        }
    )
    # HTMX filter changes and Refresh swap the grid; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "dashboards/_grid.html" if partial else "dashboards/view.html"
    response = render(request, template, context)
    # The filtered URL is pushed to the address bar: Back from another page must not be
    # answered from the browser cache with the bare grid fragment.
    patch_vary_headers(response, ["HX-Request"])
    if partial:
        add_never_cache_headers(response)
    return response


@login_required
def dashboard_edit(request, pk):
    """Edit mode: the dashboard's properties and filters, and its components on the grid."""
    dashboard = _editable_or_404(request.user, pk)
    form = DashboardForm(request.POST or None, editor=request.user, dashboard=dashboard)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.apply(dashboard)
            try:
                actions.save_dashboard(request.user, dashboard)
            except ValidationError as exc:
                form.add_action_error(exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Dashboard saved."))
                return redirect("dashboards:edit", pk=dashboard.pk)
        status = 400
    components = list(dashboard.components.select_related("report"))
    return render(
        request,
        "dashboards/edit.html",
        {
            "dashboard": dashboard,
            "form": form,
            "components": components,
            "max_components": MAX_COMPONENTS,
            "full": len(components) >= MAX_COMPONENTS,
            "fields": known_filter_fields(),
            "widths": WIDTHS,
            "page_title": _("Edit %(title)s") % {"title": dashboard.title},
        },
        status=status,
    )


@login_required
@require_POST
def dashboard_delete(request, pk):
    dashboard = _editable_or_404(request.user, pk)
    dashboard.delete()
    messages.success(request, _("Dashboard deleted."))
    return redirect("dashboards:list")


@login_required
@require_POST
def layout(request, pk):
    """Save the grid: component ids in order, with each one's width and height."""
    dashboard = _editable_or_404(request.user, pk)
    ids = request.POST.getlist("component")
    items = [
        {
            "id": cid,
            "width": request.POST.get(f"width_{cid}"),
            "height": request.POST.get(f"height_{cid}"),
        }
        for cid in ids
    ]
    try:
        actions.save_layout(request.user, dashboard, items)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("dashboards:edit", pk=pk)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Layout saved."))
    if request.POST.get("next") == "view":
        return redirect("dashboards:view", pk=pk)
    return redirect("dashboards:edit", pk=pk)


def _component_page(request, dashboard, component, form, status=200):
    return render(
        request,
        "dashboards/component_form.html",
        {
            "dashboard": dashboard,
            "component": component,
            "form": form,
            "page_title": _("Edit component") if component.pk else _("Add component"),
        },
        status=status,
    )


@login_required
def component_edit(request, pk, cid=None):
    dashboard = _editable_or_404(request.user, pk)
    if cid is None:
        component = DashboardComponent(dashboard=dashboard)
        if request.method == "GET" and dashboard.components.count() >= MAX_COMPONENTS:
            messages.error(
                request,
                _("A dashboard holds at most %(max)s components; remove one before adding another.")
                % {"max": MAX_COMPONENTS},
            )
            return redirect("dashboards:edit", pk=pk)
    else:
        component = get_object_or_404(dashboard.components.select_related("report"), pk=cid)
    form = ComponentForm(request.POST or None, editor=request.user, component=component)
    if request.method == "POST":
        if form.is_valid():
            form.apply(component)
            try:
                actions.save_component(request.user, component)
            except ValidationError as exc:
                form.add_action_error(exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Component saved."))
                return redirect("dashboards:edit", pk=pk)
        return _component_page(request, dashboard, component, form, status=400)
    return _component_page(request, dashboard, component, form)


@login_required
@require_POST
def component_delete(request, pk, cid):
    dashboard = _editable_or_404(request.user, pk)
    component = get_object_or_404(dashboard.components, pk=cid)
    try:
        actions.remove_component(request.user, component)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Component removed."))
    return redirect("dashboards:edit", pk=pk)
