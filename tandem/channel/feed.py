"""The partner activity feed: what a partner account's users did, newest first.

Built from field history written by the record actions (changed_by is one of the account's
partner users), lead acceptances and deal registrations. Only what the viewer may read appears.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.access.models import User
from tandem.core import registry
from tandem.core.history import tracked_specs
from tandem.core.models import FieldHistory, PicklistValue
from tandem.partners.models import LeadAcceptance

FEED_LIMIT = 30
# Written by Accept alongside the LeadAcceptance row, which already tells that story.
ACCEPT_NOISE = Q(object_name="lead", field_name="owner_queue") | Q(
    object_name="lead", field_name="owner", old_value=""
)


@dataclass
class FeedItem:
    kind: str  # accepted, created, converted, status, opportunity, changed, registered
    when: datetime
    actor: str
    text: str
    record_label: str
    url: str
    icon: str


def partner_users(account):
    return User.objects.filter(is_external=True, contact__account=account)


def _readable(user, object_names) -> Q:
    """FieldHistory rows about records of these objects that `user` may read."""
    q = Q(pk__in=[])
    for name in object_names:
        obj_def = registry.find(name)
        if obj_def is None:
            continue
        ids = obj_def.model.objects.visible_to(user, "read").values("pk")
        q |= Q(object_name=name, record_id__in=ids)
    return q


def _labels(user, wanted: dict[str, set[int]]) -> dict[tuple[str, int], tuple[str, str]]:
    out = {}
    for name, ids in wanted.items():
        obj_def = registry.find(name)
        if obj_def is None or not ids:
            continue
        for record in obj_def.model.objects.visible_to(user, "read").filter(pk__in=sorted(ids)):
            out[(name, record.pk)] = (str(record), record.get_absolute_url())
    return out


def _describe(row, obj_def, label: str, converted: set[str], field_labels) -> tuple[str, str, str]:
    """(kind, text, icon) for one history row."""
    object_label = obj_def.label.lower()
    if row.field_name == "created":
        return (
            "created",
            _("created %(object)s %(name)s") % {"object": object_label, "name": label},
            "bi-plus-circle",
        )
    if row.object_name == "lead" and row.field_name == "status":
        if row.new_value in converted:
            return (
                "converted",
                _("converted lead %(name)s") % {"name": label},
                "bi-arrow-left-right",
            )
        return (
            "status",
            _("changed the status of lead %(name)s from %(old)s to %(new)s")
            % {"name": label, "old": row.old_value or "—", "new": row.new_value or "—"},
            "bi-flag",
        )
    field = field_labels.get((row.object_name, row.field_name), row.field_name)
    text = _("changed %(field)s of %(object)s %(name)s from %(old)s to %(new)s") % {
        "field": field,
        "object": object_label,
        "name": label,
        "old": row.old_value or "—",
        "new": row.new_value or "—",
    }
    kind = "opportunity" if row.object_name == "opportunity" else "changed"
    return kind, text, "bi-briefcase" if kind == "opportunity" else "bi-pencil"


def _registrations(viewer, account, limit: int) -> list[FeedItem]:
    """Deals the account's partner users registered, as the viewer may see them."""
    from tandem.channel.access import registrations_visible_to

    rows = (
        registrations_visible_to(viewer, "read")
        .filter(partner_account=account)
        .select_related("submitted_by")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        FeedItem(
            "registered",
            r.created_at,
            r.submitted_by.full_name,
            _("registered a deal: %(company)s") % {"company": r.company},
            r.company,
            reverse("channel:registration_review", args=[r.pk]),
            "bi-patch-check",
        )
        for r in rows
    ]


def feed_for(viewer, account, limit: int = FEED_LIMIT) -> list[FeedItem]:
    """The latest things the account's partner users did, on records `viewer` may read."""
    users = partner_users(account)
    objects = [o.name for o in registry.all_objects()]
    history = list(
        FieldHistory.objects.filter(changed_by__in=users.values("pk"))
        .exclude(ACCEPT_NOISE)
        .filter(_readable(viewer, objects))
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
    lead_def = registry.get("lead")
    acceptances = list(
        LeadAcceptance.objects.filter(Q(user__in=users.values("pk")) | Q(partner_account=account))
        .filter(lead__in=lead_def.model.objects.visible_to(viewer, "read").values("pk"))
        .select_related("user", "queue")
        .order_by("-accepted_at", "-id")[:limit]
    )
    wanted: dict[str, set[int]] = {}
    for row in history:
        wanted.setdefault(row.object_name, set()).add(row.record_id)
    for a in acceptances:
        wanted.setdefault("lead", set()).add(a.lead_id)
    labels = _labels(viewer, wanted)
    converted = set(
        PicklistValue.objects.filter(
            object_name="lead", field_name="status", is_converted=True
        ).values_list("value", flat=True)
    )
    field_labels = {}
    for name in wanted:
        obj_def = registry.find(name)
        if obj_def is not None:
            for spec in tracked_specs(obj_def):
                field_labels[(name, spec.name)] = str(spec.label).lower()

    items = []
    for a in acceptances:
        label, url = labels.get(("lead", a.lead_id), ("", ""))
        if not url:
            continue
        text = (
            _("accepted lead %(name)s from %(queue)s") % {"name": label, "queue": a.queue}
            if a.queue
            else _("accepted lead %(name)s") % {"name": label}
        )
        items.append(
            FeedItem(
                "accepted", a.accepted_at, a.user.full_name, text, label, url, "bi-check2-circle"
            )
        )
    for row in history:
        found = labels.get((row.object_name, row.record_id))
        obj_def = registry.find(row.object_name)
        if not found or obj_def is None:
            continue
        label, url = found
        kind, text, icon = _describe(row, obj_def, label, converted, field_labels)
        actor = row.changed_by.full_name if row.changed_by else ""
        items.append(FeedItem(kind, row.changed_at, actor, text, label, url, icon))
    items += _registrations(viewer, account, limit)
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]
