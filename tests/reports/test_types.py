"""The joined and administrative report types, custom report types in Setup, login history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.access.models import LoginHistory
from tandem.core.models import CustomField, FieldHistory
from tandem.reports.engine import Context, prepare, rows, summary
from tandem.reports.models import CustomReportType, Report
from tandem.reports.types import get_type
from tests import factories as f
from tests.reports.conftest import TODAY

CTX = Context(TODAY, 1)


def run_rows(type_key, user, columns, **definition):
    p = prepare(type_key, {"format": "tabular", "columns": columns, **definition})
    assert p.runnable and not p.missing, (p.errors, p.missing)
    return [tuple(r["cells"]) for r in rows(p, user, CTX, limit=100)["rows"]]


def test_converted_lead_shows_converted_records_only_when_visible(data):
    opp = data.t1  # the teammate's opportunity: the owner may not read it
    lead = f.lead(data.owner, last_name="Convert", is_converted=True)
    type(lead).objects.unrestricted().filter(pk=lead.pk).update(
        converted_account=data.acme, converted_opportunity=opp
    )
    cols = ["last_name", "converted_account__name", "converted_opportunity__name"]
    flt = [{"field": "last_name", "op": "equals", "value": "Convert"}]
    assert run_rows("lead_converted", data.admin, cols, filters=flt) == [("Convert", "Acme", "T1")]
    assert run_rows("lead_converted", data.owner, cols, filters=flt) == [("Convert", "Acme", None)]
    # Filtering on a hidden related record matches nothing (and reveals nothing).
    hidden = [*flt, {"field": "converted_opportunity__name", "op": "equals", "value": "T1"}]
    assert run_rows("lead_converted", data.owner, cols, filters=hidden) == []


def test_tasks_with_related_records(data):
    from tandem.activities.models import Task

    Task.objects.create(
        owner=data.owner,
        subject="Call",
        status="Open",
        priority="Normal",
        opportunity=data.o1,
        account=data.acme,
    )
    cols = ["subject", "opportunity__name", "account__name", "owner__name"]
    assert run_rows("task_related", data.admin, cols) == [
        ("Call", "O1", "Acme", data.owner.full_name)
    ]
    assert run_rows("task_related", data.outsider, cols) == []


def test_stage_history_days_in_stage(data):
    now = timezone.now()
    FieldHistory.objects.filter(object_name="opportunity").delete()
    type(data.o1).objects.unrestricted().filter(pk=data.o1.pk).update(
        created_at=now - datetime.timedelta(days=30)
    )
    for old, new, days_ago in (
        ("Prospecting", "Qualification", 20),
        ("Qualification", "Needs Analysis", 5),
    ):
        FieldHistory.objects.create(
            object_name="opportunity",
            record_id=data.o1.pk,
            field_name="stage",
            old_value=old,
            new_value=new,
            changed_at=now - datetime.timedelta(days=days_ago),
            changed_by=data.owner,
        )
    FieldHistory.objects.create(
        object_name="opportunity",
        record_id=data.t1.pk,
        field_name="stage",
        old_value="Prospecting",
        new_value="Qualification",
        changed_at=now,
    )
    cols = ["opportunity_name", "old_value", "new_value", "days_in_stage", "changed_by"]
    got = run_rows("opportunity_stage_history", data.admin, cols, sort="opportunity_name")
    o1 = sorted((r for r in got if r[0] == "O1"), key=lambda r: r[3])
    assert [(r[1], r[2], round(r[3], 3), r[4]) for r in o1] == [
        ("Prospecting", "Qualification", 10.0, data.owner.full_name),
        ("Qualification", "Needs Analysis", 15.0, data.owner.full_name),
    ]
    # Average time in each stage, grouped in the database; the rep never sees T1's change.
    p = prepare(
        "opportunity_stage_history",
        {
            "format": "summary",
            "groupings": [{"field": "old_value"}],
            "summaries": [{"field": "days_in_stage", "agg": "avg"}],
        },
    )
    result = summary(p, data.owner, CTX)
    assert {g["labels"][0]: (g["count"], round(g["values"][0], 3)) for g in result["groups"]} == {
        "Prospecting": (1, 10.0),
        "Qualification": (1, 15.0),
    }


def test_admin_types_are_for_administrators_only(client, data):
    client.force_login(data.owner)
    html = client.get("/reports/new/").content.decode()
    assert "Login History" not in html and "Opportunities with Contact Roles" in html
    assert client.get("/reports/new/admin_users/").status_code == 404
    assert client.get("/reports/new/admin_login_history/").status_code == 404
    report = Report.objects.create(
        name="Logins",
        report_type="admin_login_history",
        owner=data.admin,
        visibility="public",
        definition={"format": "tabular", "columns": ["user", "login_at"]},
    )
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert "Logins" not in client.get("/reports/").content.decode()
    client.force_login(data.admin)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    assert "Login History" in client.get("/reports/new/").content.decode()


def test_users_report_shows_last_login_and_role(data):
    cols = ["name", "role", "profile", "is_active"]
    flt = [{"field": "email", "op": "equals", "value": data.owner.email}]
    assert run_rows("admin_users", data.admin, cols, filters=flt) == [
        (data.owner.full_name, "Sales Rep", "Standard User", True)
    ]
    assert run_rows("admin_users", data.owner, cols) == []  # never rows for a non-admin


def test_logins_are_recorded_successful_and_failed(client, data):
    assert (
        client.post(
            reverse("login"),
            {"username": data.owner.email, "password": f.PASSWORD},
            HTTP_USER_AGENT="TestBrowser/1.0",
        ).status_code
        == 302
    )
    client.logout()
    client.post(reverse("login"), {"username": data.owner.email, "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody@example.com", "password": "wrong"})
    got = list(
        LoginHistory.objects.order_by("id").values_list("user__email", "success", "user_agent")
    )
    assert got == [(data.owner.email, True, "TestBrowser/1.0"), (data.owner.email, False, "")]
    data.owner.refresh_from_db()
    assert data.owner.last_login is not None
    p = prepare(
        "admin_login_history",
        {
            "format": "summary",
            "groupings": [{"field": "user__name"}],
            "summaries": [{"field": "success", "agg": "true_count"}],
        },
    )
    result = summary(p, data.admin, CTX)
    assert [(g["labels"][0], g["count"], g["values"][0]) for g in result["groups"]] == [
        (data.owner.full_name, 2, 1)
    ]


def test_custom_fields_appear_in_joined_types(data):
    CustomField.objects.create(object_name="account", name="tier", label="Tier", field_type="text")
    names = {
        c.name
        for c in __import__("tandem.reports.engine", fromlist=["x"]).available_columns(
            get_type("opportunity_contact_role")
        )
    }
    assert "opportunity__account__custom.tier" in names


@pytest.mark.parametrize("with_roles", [False, True])
def test_custom_report_type_in_setup(client, data, with_roles):
    client.force_login(data.admin)
    assert client.get(reverse("reports:types")).status_code == 200
    lookups = ["owner", "account"] + (["contact_roles"] if with_roles else [])
    response = client.post(
        reverse("reports:type_new") + "?object=opportunity",
        {"label": "Deals and accounts", "object_name": "opportunity", "lookups": lookups},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CustomReportType.objects.get()
    rtype = get_type(row.key)
    prefix = "opportunity__" if with_roles else ""
    cols = [f"{prefix}name", f"{prefix}account__industry"]
    if with_roles:
        from tandem.pipeline.models import OpportunityContactRole

        c = f.contact(data.owner, data.acme)
        OpportunityContactRole.objects.create(opportunity=data.o1, contact=c, role="Other")
        assert run_rows(rtype, data.admin, cols) == [("O1", "Energy")]
    else:
        got = run_rows(rtype, data.owner, cols, sort="name")
        assert got == [("O1", "Energy"), ("O2", "Banking"), ("O3", "Energy"), ("O4", "Energy")]
    # Outside Setup it is a report type like any other; non-admins cannot reach Setup.
    client.force_login(data.owner)
    assert "Deals and accounts" in client.get("/reports/new/").content.decode()
    assert client.get(reverse("reports:types")).status_code == 404
    report = Report.objects.create(
        name="On custom",
        report_type=row.key,
        owner=data.owner,
        definition={"format": "tabular", "columns": cols + ["gone_field"]},
    )
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "gone_field" in html and "no longer exists" in html
    # Deleting the type: the report still opens and names its columns as gone.
    client.force_login(data.admin)
    assert client.post(reverse("reports:type_delete", args=[row.pk])).status_code == 302
    client.force_login(data.owner)
    response = client.get(f"/reports/{report.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="type-missing"' in html
    assert f"{prefix}account__industry" in html


def test_custom_type_refuses_a_lookup_the_object_does_not_have(client, data):
    client.force_login(data.admin)
    response = client.post(
        reverse("reports:type_new") + "?object=lead",
        {"label": "Bad", "object_name": "lead", "lookups": ["contact_roles"]},
    )
    assert response.status_code == 400
    assert (
        "Related objects" in response.content.decode() or "not one of" in response.content.decode()
    )
    assert not CustomReportType.objects.exists()


def test_blank_count_per_owner(data):
    p = prepare(
        "lead",
        {
            "format": "summary",
            "groupings": [{"field": "owner"}],
            "summaries": [
                {"field": "lead_source", "agg": "blank_count"},
                {"field": "lead_source", "agg": "blank_percent"},
                {"field": "lead_source", "agg": "unique"},
            ],
        },
    )
    assert p.runnable, p.errors
    result = summary(p, data.admin, CTX)
    got = {
        g["keys"][0]: (g["count"], g["values"][0], round(g["values"][1], 2))
        for g in result["groups"]
    }
    assert got == {data.owner.pk: (3, 1, 33.33), data.teammate.pk: (2, 0, 0.0)}
    assert result["total"]["values"][0] == 1 and round(result["total"]["values"][1], 2) == 20.0
    # A rep's blank rate counts their own leads only.
    assert summary(p, data.owner, CTX)["total"]["values"][:1] == [1]


def test_average_rolls_up_like_the_database(data):
    p = prepare(
        "opportunity",
        {
            "format": "summary",
            "groupings": [{"field": "owner"}, {"field": "stage"}],
            "summaries": [{"field": "amount", "agg": "avg"}, {"field": "amount", "agg": "max"}],
        },
    )
    result = summary(p, data.admin, CTX)
    owner = next(g for g in result["groups"] if g["keys"][0] == data.owner.pk)
    assert owner["values"] == [Decimal("162.5"), Decimal(300)]
    assert result["total"]["values"][0] == Decimal(2850) / 7
