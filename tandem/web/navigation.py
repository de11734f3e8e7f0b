"""Tabs, company branding and Recent Items for every page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.fields import current_company
from tandem.core.models import RecentItem
from tandem.messaging.notify import unread_count

RECENT_LIMIT = 10


def recent_items(user) -> list[dict]:
    """The user's recently viewed records that they may still see, newest first."""
    recent = list(RecentItem.objects.filter(user=user)[: RECENT_LIMIT * 2])
    by_object: dict[str, list[int]] = {}
    for item in recent:
        by_object.setdefault(item.object_name, []).append(item.record_id)
    names = {}
    for object_name, ids in by_object.items():
        obj_def = registry.find(object_name)
        if obj_def is None:
            continue
        for record in obj_def.model.objects.visible_to(user, "read").filter(pk__in=ids):
            names[(object_name, record.pk)] = (str(record), obj_def)
    items = []
    for item in recent:
        found = names.get((item.object_name, item.record_id))
        if found:
            label, obj_def = found
            items.append(
                {
                    "label": label,
                    "icon": obj_def.icon,
                    "url": reverse("record_detail", args=[obj_def.slug, item.record_id]),
                }
            )
    return items[:RECENT_LIMIT]


PORTAL_TABS = ("lead", "opportunity", "account", "contact")
# Pages beyond the object tabs, for internal users: (URL name, label, icon).
EXTRA_TABS = [
    ("pipeline:board", _("Pipeline"), "bi-kanban"),
    ("calendar:calendar", _("Calendar"), "bi-calendar3"),
    ("reports:home", _("Reports"), "bi-bar-chart"),
    ("dashboards:list", _("Dashboards"), "bi-speedometer2"),
    ("forecasts:index", _("Forecasts"), "bi-graph-up-arrow"),
    ("channel:dashboard", _("Channel"), "bi-diagram-3"),
]


def navigation_context(request):
    user = getattr(request, "user", None)
    context = {"company": current_company(), "base_template": "tandem/base.html"}
    if not user or not user.is_authenticated:
        return context
    path = request.path
    home = reverse("portal_home") if user.is_external else reverse("home")
    tabs = [{"label": _("Home"), "url": home, "icon": "bi-house", "active": path == home}]
    if user.is_external:
        from tandem.partners.models import PartnerProgram

        context["base_template"] = "partners/portal_base.html"
        context["partner_program"] = PartnerProgram.current()
    objects = [registry.get(n) for n in PORTAL_TABS] if user.is_external else registry.all_objects()
    for obj_def in objects:
        if obj_def.in_tabs and user.profile.has_object_permission(obj_def.name, "read"):
            url = reverse("record_list", args=[obj_def.slug])
            tabs.append(
                {
                    "label": obj_def.label_plural,
                    "url": url,
                    "icon": obj_def.icon,
                    "active": path.startswith(url),
                }
            )
    if not user.is_external:
        for name, label, icon in EXTRA_TABS:
            url = reverse(name)
            tabs.append({"label": label, "url": url, "icon": icon, "active": path.startswith(url)})
    context["tabs"] = tabs
    context["recent_items"] = recent_items(user)
    context["unread_notifications"] = unread_count(user)
    return context
