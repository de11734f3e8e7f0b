"""Data sources for figures no single report expresses, registered by this app.

Each answers for the running user through the door and aggregates in the database (one
GROUP BY query, or one per object); Python only shapes the aggregated rows.
"""

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.dashboards import sources

CREATED_DAYS = 30
CREATED_MAX_USERS = 15
CREATED_OBJECTS = ("lead", "account", "contact", "opportunity", "task", "event")


def records_created(user, filters: dict) -> dict:
    """Records created in the last 30 days per user (who created them) and object."""
    from tandem.access.models import User
    from tandem.core import registry

    since = timezone.now() - datetime.timedelta(days=CREATED_DAYS)
    counts: dict[str, dict[int, int]] = {}
    for name in CREATED_OBJECTS:
        obj = registry.find(name)
        if obj is None or not user.profile.has_object_permission(name, "read"):
            continue
        counts[name] = dict(
            obj.model.objects.visible_to(user, "read")
            .filter(created_at__gte=since, created_by__isnull=False)
            .order_by()
            .values_list("created_by")
            .annotate(n=Count("pk"))
        )
    totals: dict[int, int] = {}
    for per_user in counts.values():
        for uid, n in per_user.items():
            totals[uid] = totals.get(uid, 0) + n
    top = sorted(totals, key=lambda uid: -totals[uid])[:CREATED_MAX_USERS]
    names = {u.pk: u.full_name for u in User.objects.filter(pk__in=top)}
    labels = [names.get(uid, "?") for uid in top]
    series = [
        {
            "label": str(registry.get(name).label_plural),
            "data": [counts[name].get(uid, 0) for uid in top],
        }
        for name in counts
    ]
    return {
        "labels": labels,
        "series": series,
        "columns": [_("Created by")] + [s["label"] for s in series] + [_("Total")],
        "rows": [
            [labels[i]] + [s["data"][i] for s in series] + [totals[uid]]
            for i, uid in enumerate(top)
        ],
    }


def _scores(user):
    from tandem.channel.scorecard import scorecards

    return scorecards(user)


def partner_leads(user, filters: dict) -> dict:
    """Per partner account: leads received, accepted and converted."""
    scores = _scores(user)
    labels = [s.account.name for s in scores]
    series = [
        {"label": _("Leads received"), "data": [s.leads_received for s in scores]},
        {"label": _("Leads accepted"), "data": [s.leads_accepted for s in scores]},
        {"label": _("Leads converted"), "data": [s.leads_converted for s in scores]},
    ]
    return {
        "labels": labels,
        "series": series,
        "hrefs": [s.account.get_absolute_url() for s in scores],
    }


def partner_pipeline(user, filters: dict) -> dict:
    """Per partner account: open pipeline and won amount of the partner's opportunities."""
    scores = _scores(user)
    return {
        "labels": [s.account.name for s in scores],
        "series": [
            {"label": _("Open pipeline"), "data": [s.open_pipeline for s in scores]},
            {"label": _("Won"), "data": [s.won_amount for s in scores]},
        ],
        "hrefs": [s.account.get_absolute_url() for s in scores],
    }


def partner_scorecard(user, filters: dict) -> dict:
    """The five channel figures per partner account, as one table."""
    scores = _scores(user)
    return {
        "labels": [s.account.name for s in scores],
        "series": [{"label": _("Won"), "data": [s.won_amount for s in scores]}],
        "columns": [
            _("Partner account"),
            _("Leads received"),
            _("Accepted"),
            _("Converted"),
            _("Open pipeline"),
            _("Won"),
        ],
        "rows": [
            [
                s.account.name,
                s.leads_received,
                s.leads_accepted,
                s.leads_converted,
                s.open_pipeline,
                s.won_amount,
            ]
            for s in scores
        ],
        "hrefs": [s.account.get_absolute_url() for s in scores],
    }


def register_builtin() -> None:
    sources.register(
        "records_created", gettext_lazy("Records created per user and object"), records_created
    )
    sources.register("partner_leads", gettext_lazy("Partner leads"), partner_leads)
    sources.register(
        "partner_pipeline", gettext_lazy("Partner pipeline and wins"), partner_pipeline
    )
    sources.register("partner_scorecard", gettext_lazy("Partner scorecard"), partner_scorecard)
