"""Home, global search and lookup suggestions."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.directory import pickable_users
from tandem.core import registry
from tandem.core.fields import fields_named
from tandem.feed.stream import visible
from tandem.web.display import show
from tandem.web.lists import search_q

SEARCH_LIMIT = 10
LOOKUP_LIMIT = 20


def _todays_events(user):
    """Events the user owns or is invited to (not declined) that overlap today, in their zone."""
    from tandem.calendar_app.agenda import user_zone
    from tandem.calendar_app.attendees import invited_event_ids

    tz = user_zone(user)
    today = timezone.now().astimezone(tz).date()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    return (
        tz,
        today,
        list(
            visible(user, registry.get("event"))
            .filter(
                Q(owner=user) | Q(pk__in=invited_event_ids(user)), start__lt=end, end__gte=start
            )
            .order_by("start", "pk")[:10]
        ),
    )


def _pipeline_by_stage(user):
    """Open opportunities the user owns: count and amount per open stage, in Setup's order."""
    from tandem.core.models import Company
    from tandem.pipeline.actions import stages
    from tandem.pipeline.views import money

    totals = {
        row["stage"]: row
        for row in visible(user, registry.get("opportunity"))
        .filter(owner=user, is_closed=False)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
    currency = Company.current().currency
    rows = []
    for stage in stages():
        found = totals.pop(stage.value, None)
        if found and not stage.is_closed:
            rows.append(
                {
                    "stage": stage.label or stage.value,
                    "count": found["n"],
                    "total": found["total"] or 0,
                }
            )
    rows += [
        {"stage": name, "count": r["n"], "total": r["total"] or 0} for name, r in totals.items()
    ]
    for row in rows:
        row["total_display"] = money(row["total"], currency)
    chart = {
        "labels": [r["stage"] for r in rows],
        "amounts": [float(r["total"]) for r in rows],
        "counts": [r["count"] for r in rows],
        "currency": currency,
    }
    return rows, chart


def _my_open_leads(user):
    """Leads I own that are still being worked: not converted, not in a closed status."""
    from tandem.core.models import PicklistValue

    closed = PicklistValue.objects.filter(
        object_name="lead", field_name="status", is_closed=True
    ).values("value")
    return (
        visible(user, registry.get("lead"))
        .filter(owner=user, is_converted=False)
        .exclude(status__in=closed)
        .order_by("-created_at", "-pk")[:5]
    )


@login_required
def home(request):
    """My open tasks, today's events, pipeline by stage, feed and leads (Recent Items: sidebar)."""
    from tandem.feed.stream import home_feed

    user = request.user
    if user.is_external:
        return redirect("portal_home")
    tz, today, events = _todays_events(user)
    pipeline, chart = _pipeline_by_stage(user)
    context = {
        "open_tasks": visible(user, registry.get("task"))
        .filter(owner=user, completed_at__isnull=True)
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:10],
        "today": today,
        "home_tz": tz,
        "todays_events": events,
        "pipeline": pipeline,
        "pipeline_chart": chart,
        "my_opportunities": visible(user, registry.get("opportunity"))
        .filter(owner=user, is_closed=False)
        .order_by("close_date", "pk")[:5],
        "my_leads": _my_open_leads(user),
        "feed": home_feed(user),
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
        {
            "results": results,
            "search_query": text,
            "too_short": 0 < len(text) < 2,
            "page_title": _("Search"),
        },
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
                Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
                | Q(email__icontains=text)
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
