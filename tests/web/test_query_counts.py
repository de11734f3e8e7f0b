"""Record pages and list pages cost a fixed number of queries, whatever the data behind them.

A record page with 1 related record, history row and custom lookup must cost exactly as
much as one with many; a list page of 50 rows as much as one of 3. The ceilings catch a
page that becomes expensive in a way that does not grow with rows (a panel querying per
section, metadata read per field).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.activities.models import Event, Note, Task
from tandem.core import actions, registry
from tandem.core.models import CustomField, FieldHistory, ListView
from tests import factories as f

OBJECTS = [o.name for o in registry.all_objects()]
# What a record page may cost for a sales rep (sharing is computed in SQL on each query).
DETAIL_CEILING = 48
LIST_CEILING = 26
LIST_ROWS = 50


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def custom_fields(db):
    """A text field and a lookup to accounts on every object, both tracked."""
    for name in OBJECTS:
        CustomField.objects.create(
            object_name=name, name="region", label="Region", field_type="text", track_history=True
        )
        CustomField.objects.create(
            object_name=name,
            name="partner",
            label="Partner account",
            field_type="lookup",
            lookup_object="account",
            track_history=True,
        )


def activity(model, owner, fk, parent, i):
    now = datetime.datetime.now(datetime.UTC)
    if model is Task:
        return Task.objects.create(
            owner=owner,
            subject=f"Task {i}",
            status="Not Started",
            priority="Normal",
            **{fk: parent},
        )
    if model is Event:
        return Event.objects.create(
            owner=owner, subject=f"Event {i}", start=now, end=now, **{fk: parent}
        )
    return Note.objects.create(owner=owner, title=f"Note {i}", **{fk: parent})


def make(object_name, owner, others) -> object:
    """One record of `object_name` owned by `owner`, with a custom lookup to an account."""
    partner = f.account(others[0])
    if object_name == "account":
        record = f.account(owner)
    elif object_name == "contact":
        record = f.contact(owner, f.account(owner))
    elif object_name == "lead":
        record = f.lead(owner)
    elif object_name == "opportunity":
        record = f.opportunity(owner, f.account(owner))
    else:
        record = activity(registry.get(object_name).model, owner, "lead", f.lead(owner), 0)
    type(record).objects.unrestricted().filter(pk=record.pk).update(
        custom={"region": "EMEA", "partner": partner.pk}
    )
    record.refresh_from_db()
    return record


def grow(record, owner, others, n):
    """Give `record` n children in each related list, n activities and n history rows."""
    obj_def = record.object_def
    for child_name, fk in obj_def.related_lists:
        model = registry.get(child_name).model
        for i in range(n):
            who = others[i % len(others)]
            if child_name == "contact":
                f.contact(who, **{fk: record})
            elif child_name == "opportunity":
                f.opportunity(who, **{fk: record})
            else:
                activity(model, who, fk, record, i)
    for i in range(n):
        FieldHistory.objects.create(
            object_name=obj_def.name,
            record_id=record.pk,
            field_name="custom.region",
            old_value=str(i),
            new_value=str(i + 1),
            changed_by=others[i % len(others)],
        )


@pytest.mark.parametrize("object_name", OBJECTS)
def test_record_page_cost_does_not_grow(client, org, custom_fields, object_name):
    others = [org.owner, org.teammate, org.manager]
    small = make(object_name, org.owner, others)
    large = make(object_name, org.owner, others)
    grow(small, org.owner, others, 1)
    grow(large, org.owner, others, 8)
    actions.update_record(org.owner, large, {}, {"region": "APAC"})
    client.force_login(org.owner)
    for record in (small, large):  # the first visit adds the record to Recent Items
        client.get(record.get_absolute_url())

    small_count = queries(client, small.get_absolute_url())
    large_count = queries(client, large.get_absolute_url())

    page = client.get(large.get_absolute_url()).content.decode()
    assert "Partner account" in page and "EMEA" in page
    assert small_count == large_count
    assert large_count <= DETAIL_CEILING


@pytest.mark.parametrize("object_name", OBJECTS)
def test_record_page_shows_custom_lookup_names_only_when_visible(
    client, org, custom_fields, object_name
):
    record = make(object_name, org.owner, [org.owner])
    visible = f.account(org.owner, name="Visible Partner Ltd")
    hidden = f.account(org.outsider, name="Secret Partner Ltd")
    client.force_login(org.owner)
    for partner, shown in ((visible, True), (hidden, False)):
        type(record).objects.unrestricted().filter(pk=record.pk).update(
            custom={"partner": partner.pk}
        )
        page = client.get(record.get_absolute_url()).content.decode()
        assert (partner.name in page) is shown
        assert (partner.get_absolute_url() in page) is shown


@pytest.mark.parametrize("object_name", OBJECTS)
def test_list_page_cost_does_not_grow(client, org, custom_fields, object_name):
    obj_def = registry.get(object_name)
    others = [org.owner, org.teammate, org.manager]
    view = ListView.objects.create(
        object_name=object_name,
        name="Everything",
        owner=org.owner,
        columns=list(obj_def.list_columns) + ["custom.region", "custom.partner", "created_by"],
    )
    url = f"/{obj_def.slug}/?view={view.pk}"
    client.force_login(org.owner)

    def rows_on_page():
        return obj_def.model.objects.visible_to(org.owner, "read").count()

    while rows_on_page() < 3:
        make(object_name, org.owner, others)
    client.get(url)
    small_count = queries(client, url)
    while rows_on_page() < LIST_ROWS + 5:
        make(object_name, org.owner, others)
    large_count = queries(client, url)

    assert small_count == large_count
    assert large_count <= LIST_CEILING
    page = client.get(url).content.decode()
    assert f"Rows 1–{LIST_ROWS}" in page and "EMEA" in page
    newest = obj_def.model.objects.unrestricted().exclude(custom={}).latest("pk")
    partner = registry.get("account").model.objects.unrestricted().get(pk=newest.custom["partner"])
    assert f'<a href="{partner.get_absolute_url()}">{partner.name}</a>' in page


@pytest.mark.parametrize("object_name", ["account", "lead", "opportunity"])
def test_record_page_buttons_follow_the_door(client, org, object_name):
    """Edit and Delete come from the same query as the record; they must match can()."""
    from tandem.access.door import can
    from tandem.access.models import READ, READ_WRITE

    record = make(object_name, org.owner, [org.owner])
    edit_url = f"/{record.object_def.slug}/{record.pk}/edit/"
    delete_url = f"/{record.object_def.slug}/{record.pk}/delete/"
    actions.share_record(org.owner, record, "user", org.teammate.pk, READ)
    cases = [(org.owner, True, True), (org.manager, True, True), (org.teammate, False, False)]
    for who, may_edit, may_delete in cases:
        client.force_login(who)
        response = client.get(record.get_absolute_url())
        assert response.status_code == 200, who
        page = response.content.decode()
        assert (edit_url in page, delete_url in page) == (may_edit, may_delete), who
        assert (can(who, "edit", record), can(who, "delete", record)) == (may_edit, may_delete)
    actions.share_record(org.owner, record, "user", org.teammate.pk, READ_WRITE)
    client.force_login(org.teammate)
    page = client.get(record.get_absolute_url()).content.decode()
    assert edit_url in page and delete_url not in page
