"""Named actions on dashboards: every write is all-or-nothing and checks who may make it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.dashboards.models import (
    GRID_COLUMNS,
    MAX_COMPONENTS,
    MAX_HEIGHT,
    RUN_AS_USER,
    Dashboard,
    DashboardComponent,
    may_choose_running_user,
)


def check_running_user(editor, dashboard: Dashboard, previous_user_id=None) -> None:
    """Only administrators and View All Data users pick someone else as the running user."""
    if dashboard.running_mode != RUN_AS_USER or dashboard.running_user_id is None:
        return
    if dashboard.running_user_id in (editor.pk, previous_user_id):
        return
    if not may_choose_running_user(editor):
        raise ValidationError(
            {
                "running_user": _(
                    "Running user: only administrators and users with View All Data may run "
                    "a dashboard as another user."
                )
            }
        )


@transaction.atomic
def save_dashboard(editor, dashboard: Dashboard) -> Dashboard:
    """Create or update a dashboard's properties (title, folder, running user, filters)."""
    previous = None
    if dashboard.pk:
        current = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
        if not current.can_edit(editor):
            raise PermissionDenied
        previous = current.running_user_id if current.running_mode == RUN_AS_USER else None
    else:
        dashboard.owner = dashboard.owner if dashboard.owner_id else editor
    check_running_user(editor, dashboard, previous)
    dashboard.full_clean(exclude=["owner"])
    dashboard.save()
    return dashboard


def _locked(editor, dashboard: Dashboard) -> Dashboard:
    locked = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    if not locked.can_edit(editor):
        raise PermissionDenied
    return locked


@transaction.atomic
def save_component(editor, component: DashboardComponent) -> DashboardComponent:
    """Add or change a component; a dashboard holds at most 20 (counted under a row lock)."""
    dashboard = _locked(editor, component.dashboard)
    if component.pk is None:
        count = dashboard.components.count()
        if count >= MAX_COMPONENTS:
            raise ValidationError(
                _("A dashboard holds at most %(max)s components; remove one before adding another.")
                % {"max": MAX_COMPONENTS}
            )
        last = dashboard.components.aggregate(m=Max("position"))["m"]
        component.position = 0 if last is None else last + 1
    if component.report_id and component.report:
        component.report_name = component.report.name[:120]
    component.full_clean(exclude=["dashboard"])
    component.save()
    Dashboard.objects.filter(pk=dashboard.pk).update(updated_at=timezone.now())
    return component


@transaction.atomic
def remove_component(editor, component: DashboardComponent) -> None:
    _locked(editor, component.dashboard)
    component.delete()


@transaction.atomic
def save_layout(editor, dashboard: Dashboard, layout: list[dict]) -> None:
    """Apply a new order and sizes: `layout` is [{"id", "width", "height"}] in grid order.

    Every component of the dashboard must appear exactly once, so a stale page (a component
    added or removed meanwhile) is refused instead of half-applied.
    """
    dashboard = _locked(editor, dashboard)
    components = {c.pk: c for c in dashboard.components.all()}
    try:
        ids = [int(item["id"]) for item in layout]
    except (KeyError, TypeError, ValueError):
        raise ValidationError(_("Layout: the component list is not valid.")) from None
    if sorted(ids) != sorted(components) or len(set(ids)) != len(ids):
        raise ValidationError(
            _("Layout: the dashboard changed while you were arranging it; reload and try again.")
        )
    for position, item in enumerate(layout):
        c = components[int(item["id"])]
        try:
            width = int(item.get("width") or c.width)
            height = int(item.get("height") or c.height)
        except (TypeError, ValueError):
            raise ValidationError(
                _("Layout: width and height of “%(title)s” must be numbers.")
                % {"title": c.display_title}
            ) from None
        if not (1 <= width <= GRID_COLUMNS and 1 <= height <= MAX_HEIGHT):
            raise ValidationError(
                _("Layout: “%(title)s” must be 1–%(cols)s columns wide and 1–%(rows)s rows high.")
                % {"title": c.display_title, "cols": GRID_COLUMNS, "rows": MAX_HEIGHT}
            )
        c.position, c.width, c.height = position, width, height
    DashboardComponent.objects.bulk_update(components.values(), ["position", "width", "height"])
    Dashboard.objects.filter(pk=dashboard.pk).update(updated_at=timezone.now())
