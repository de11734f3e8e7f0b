"""Home, global search and lookup suggestions."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.access.directory import pickable_users
from tandem.core import registry
from tandem.core.fields import fields_named
from tandem.web.display import show
from tandem.web.lists import search_q

SEARCH_LIMIT = 10
LOOKUP_LIMIT = 20


@login_required
def home(request):
    user = request.user
    if user.is_external:
        return redirect("portal_home")
    task = registry.get("task").model
    opportunity = registry.get("opportunity").model
    lead = registry.get("lead").model
    context = {
        "open_tasks": task.objects.visible_to(user).filter(owner=user, completed_at__isnull=True)
        .order_by("due_date", "pk")[:10],
        "my_opportunities": opportunity.objects.visible_to(user).filter(owner=user, is_closed=False)
        .order_by("close_date", "pk")[:10],
        "my_leads": lead.objects.visible_to(user).filter(owner=user, is_converted=False)[:10],
        "page_title": _("Home"),
    }
    return render(request, "web/home.html", context)


@login_required
def search(request):
    """Search every object the user may read, a few results each, through the door."""
    text = request.GET.get("q", "").strip()
    results = []
    if len(text) >= 2:
        for obj_def in registry.all_objects():
            if not obj_def.search_fields:
                continue
            rows = list(
                obj_def.model.objects.visible_to(request.user, "read")
                .filter(search_q(obj_def, text))
                .select_related("owner")[: SEARCH_LIMIT + 1]
            )
            if rows:
                columns = fields_named(obj_def, obj_def.list_columns)
                results.append(
                    {
                        "obj_def": obj_def,
                        "columns": columns,
                        "rows": [(r, [show(r, c) for c in columns]) for r in rows[:SEARCH_LIMIT]],
                        "more": len(rows) > SEARCH_LIMIT,
                    }
                )
    return render(
        request,
        "web/search.html",
        {"results": results, "search_query": text, "too_short": 0 < len(text) < 2, "page_title": _("Search")},
    )


@login_required
def lookup(request, object_name):
    """Options for a lookup field: records the user may see whose name matches."""
    # The lookup widget's search box is named "<field>__search"; "q" serves other callers.
    text = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k.endswith("__search")), ""
    )
    text = text.strip()
    if object_name == "user":
        rows = pickable_users(request.user)
        if text:
            rows = rows.filter(
                Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text)
            )
        if request.GET.get("partners") == "1":
            rows = rows.filter(is_external=True, last_login__isnull=False)
        options = [(u.pk, f"{u.full_name} ({u.email})") for u in rows[:LOOKUP_LIMIT]]
    else:
        obj_def = registry.find(object_name)
        if obj_def is None:
            raise Http404
        rows = obj_def.model.objects.visible_to(request.user, "read")
        if text:
            rows = rows.filter(search_q(obj_def, text))
        options = [(r.pk, str(r)) for r in rows[:LOOKUP_LIMIT]]
    return render(request, "web/lookup_options.html", {"options": options})
