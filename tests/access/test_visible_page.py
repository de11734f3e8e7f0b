"""The list's page (top-N per access branch, then merged) returns exactly visible_to's rows.

For several personas, sorts (newest first, text, a join, a custom field) and view filters,
every page of the Leads list read the fast way equals the same window of the plain
`visible_to()` query — same rows, same order — and nobody gets a row they cannot see.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.access.door import visible_page
from tandem.access.models import (
    READ,
    READ_WRITE,
    TARGET_GROUP,
    TARGET_ROLE,
    TARGET_USER,
    Group,
    GroupMember,
    RecordShare,
    SharingRule,
)
from tandem.core import registry
from tandem.core.models import CustomField, ListView
from tandem.sales.models import Lead
from tandem.web import lists
from tests import factories as f
from tests.access.conftest import fresh

SORTS = ["-created_at", "created_at", "company", "-status", "owner", "-custom.region"]
FILTERS = [
    ([], "and"),
    ([{"field": "status", "op": "equals", "value": "Working"}], "and"),
    (
        [
            {"field": "lead_source", "op": "equals", "value": "Web"},
            {"field": "created_at", "op": "equals", "value": "LAST_N_DAYS:3"},
        ],
        "or",
    ),
]


@pytest.fixture
def world(org):
    """Leads reached through every kind of branch, with many ties on the sort keys."""
    CustomField.objects.create(object_name="lead", name="region", label="Region", field_type="text")
    SharingRule.objects.create(
        object_name="lead",
        name="Web leads to Support",
        kind=SharingRule.KIND_CRITERIA,
        criteria=[{"field": "lead_source", "op": "equals", "value": "Web"}],
        target_kind=TARGET_ROLE,
        target_id=org.support_role.pk,
        access_level=READ,
    )
    queue = Group.objects.create(name="Lead queue", kind=Group.KIND_QUEUE)
    GroupMember.objects.create(group=queue, kind=TARGET_USER, user=org.teammate)
    now = timezone.now()
    owners = [org.owner, org.teammate, org.outsider, org.manager, org.ceo]
    leads = []
    for i in range(60):
        lead = f.lead(
            owners[i % len(owners)] if i % 7 else None,
            owner_queue=None if i % 7 else queue,
            company=f"Co {i % 4}",
            status=("Working", "Open - Not Contacted", "Qualified")[i % 3],
            lead_source=("Web", "Trade Show", "")[i % 3],
            custom={"region": ("North", "South")[i % 2]} if i % 5 else {},
        )
        leads.append(lead)
        # Three leads per timestamp: ties that only the id breaks.
        Lead.objects.unrestricted().filter(pk=lead.pk).update(
            created_at=now - datetime.timedelta(hours=i // 3)
        )
    for lead in leads[::9]:
        RecordShare.objects.create(
            object_name="lead",
            record_id=lead.pk,
            target_kind=TARGET_USER,
            target_id=org.outsider.pk,
            access_level=READ_WRITE,
        )
    group = Group.objects.create(name="Fans")
    GroupMember.objects.create(group=group, kind=TARGET_USER, user=org.teammate)
    RecordShare.objects.create(
        object_name="lead",
        record_id=leads[4].pk,
        target_kind=TARGET_GROUP,
        target_id=group.pk,
        access_level=READ,
    )
    return org


PERSONAS = ["owner", "teammate", "outsider", "manager", "ceo", "admin"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_match_visible_to(world, persona):
    obj_def = registry.get("lead")
    shown = 0
    for sort in SORTS:
        for filters, logic in FILTERS:
            view = ListView(object_name="lead", filters=filters, filter_logic=logic)
            user = fresh(getattr(world, persona))
            plain = [r.pk for r in lists.view_queryset(obj_def, user, view, sort=sort)]
            visible = set(Lead.objects.visible_to(user, "read").values_list("pk", flat=True))
            assert set(plain) <= visible
            for start, stop in ((0, 7), (7, 14), (5, 30), (0, 200)):
                qs = lists.base_queryset(obj_def, user, view, sort=sort)
                paged = [r.pk for r in visible_page(qs, fresh(user), "read", start, stop)]
                assert paged == plain[start:stop], (persona, sort, filters, start, stop)
                shown += len(paged)
    assert shown or persona == "nobody"


def test_branches_are_read_top_n_and_merged(world):
    """The teammate sees leads through ownership, a queue and shares: one UNION ALL query."""
    obj_def = registry.get("lead")
    view = ListView(object_name="lead")
    user = fresh(world.teammate)
    qs = lists.base_queryset(obj_def, user, view)
    with CaptureQueriesContext(connection) as ctx:
        rows = visible_page(qs, user, "read", 0, 11)
    page_sql = [q["sql"] for q in ctx.captured_queries if 'FROM "sales_lead"' in q["sql"]]
    assert len(page_sql) == 1 and "UNION ALL" in page_sql[0]
    assert [r.pk for r in rows] == [r.pk for r in lists.view_queryset(obj_def, user, view)[:11]]


def test_view_all_needs_no_principals(world):
    """An administrator's page costs one query: no roles, groups or defaults are resolved."""
    obj_def = registry.get("lead")
    user = fresh(world.admin)
    qs = lists.base_queryset(obj_def, user, ListView(object_name="lead"))
    with CaptureQueriesContext(connection) as ctx:
        rows = visible_page(qs, user, "read", 0, 51)
    assert len(ctx.captured_queries) == 1
    assert len(rows) == 51


def test_edit_pages_match_too(world):
    """The same holds for "edit": read-only shares and rules drop out of the branches."""
    obj_def = registry.get("lead")
    for persona in ("teammate", "outsider", "manager"):
        user = fresh(getattr(world, persona))
        qs = lists.base_queryset(obj_def, user, ListView(object_name="lead"), sort="company")
        plain = list(Lead.objects.visible_to(user, "edit").order_by("company", "pk")[:20])
        assert visible_page(qs, user, "edit", 0, 20) == plain
