"""Record API rules a client notices: validation that names the field, lookups through the door,
custom fields, filters, search, ordering, pagination and protected deletes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.models import Group, GroupMember, OrgDefault
from tandem.core.models import CustomField, FieldHistory, PicklistValue
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f
from tests.api.conftest import API

LEADS = f"{API}leads/"
OPPS = f"{API}opportunities/"


def test_bad_date_names_the_field_and_saves_nothing(org, api):
    response = api.owner.post(
        OPPS,
        {"name": "Big deal", "stage": "Prospecting", "close_date": "next tuesday"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["close_date"]
    assert not Opportunity.objects.unrestricted().exists()


def test_missing_required_field_is_named(org, api):
    response = api.owner.post(OPPS, {"name": "No date"}, format="json")
    assert response.status_code == 400
    assert "close_date" in response.json()["errors"]


def test_picklist_values_come_from_setup(org, api):
    response = api.owner.post(
        LEADS, {"last_name": "Doe", "company": "Acme", "status": "Bogus"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert not Lead.objects.unrestricted().exists()

    PicklistValue.objects.create(
        object_name="lead", field_name="rating", value="Lukewarm", label="Lukewarm"
    )
    response = api.owner.post(
        LEADS, {"last_name": "Doe", "company": "Acme", "rating": "Lukewarm"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["rating"] == "Lukewarm"
    assert response.json()["status"] == "Open - Not Contacted"  # the picklist's default


def test_stage_sets_probability_through_the_action(org, api):
    response = api.owner.post(
        OPPS,
        {
            "name": "Deal",
            "stage": "Negotiation/Review",
            "close_date": "2030-01-31",
            "amount": "1200.50",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["probability"] == 90
    assert body["forecast_category"] == "Commit"
    assert body["amount"] == "1200.50"
    assert FieldHistory.objects.filter(object_name="opportunity", record_id=body["id"]).exists()


def test_cannot_link_to_a_record_you_cannot_see(org, api):
    hidden = f.account(org.outsider)
    visible = f.account(org.owner)
    payload = {"last_name": "Smith"}
    response = api.owner.post(f"{API}contacts/", {**payload, "account": hidden.pk}, format="json")
    assert response.status_code == 400
    hidden_error = response.json()["errors"]["account"]
    response = api.owner.post(f"{API}contacts/", {**payload, "account": 999_999}, format="json")
    assert "999999" in response.json()["errors"]["account"][0]
    assert str(hidden.pk) in hidden_error[0]
    # The two answers differ only by the id: nothing says the hidden account exists.
    assert hidden_error[0].replace(str(hidden.pk), "N") == response.json()["errors"]["account"][
        0
    ].replace("999999", "N")
    assert not Contact.objects.unrestricted().exists()

    response = api.owner.post(f"{API}contacts/", {**payload, "account": visible.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["account"] == visible.pk


def test_put_may_resend_a_link_the_user_cannot_see(org, api):
    hidden = f.account(org.outsider)
    contact = f.contact(org.owner, account=hidden, last_name="Kept")
    response = api.owner.put(
        f"{API}contacts/{contact.pk}/",
        {"last_name": "Renamed", "account": hidden.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert (contact.last_name, contact.account_id) == ("Renamed", hidden.pk)


def test_event_end_before_start_names_end(org, api):
    response = api.owner.post(
        f"{API}events/",
        {"subject": "Call", "start": "2030-01-02T10:00:00Z", "end": "2030-01-02T09:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_lead_can_be_created_in_a_queue_and_moved_to_a_user(org, api):
    queue = Group.objects.create(name="Web leads", kind=Group.KIND_QUEUE, queue_objects=["lead"])
    GroupMember.objects.create(group=queue, kind="user", user=org.teammate)
    payload = {"last_name": "Q", "company": "Queue Co", "owner_queue": queue.pk}
    # Not a member: the owner would lose the lead at once, so nothing is saved.
    response = api.owner.post(LEADS, payload, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]
    assert not Lead.objects.unrestricted().exists()
    response = api.admin.post(LEADS, payload, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["owner"] is None
    assert api.teammate.get(f"{LEADS}{pk}/").status_code == 200  # queue member
    response = api.admin.post(
        f"{LEADS}{pk}/change-owner/", {"owner": org.teammate.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["owner"], response.json()["owner_queue"]) == (org.teammate.pk, None)

    response = api.admin.patch(f"{LEADS}{pk}/", {"owner_queue": queue.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["owner"], response.json()["owner_queue"]) == (None, queue.pk)

    response = api.admin.post(
        LEADS,
        {"last_name": "Both", "company": "X", "owner": org.owner.pk, "owner_queue": queue.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]


def test_changing_owner_through_patch_is_a_change_owner(org, api):
    lead = f.lead(org.owner)
    response = api.owner.patch(f"{LEADS}{lead.pk}/", {"owner": org.teammate.pk}, format="json")
    assert response.status_code == 200, response.json()
    lead.refresh_from_db()
    assert lead.owner_id == org.teammate.pk
    assert FieldHistory.objects.filter(
        object_name="lead", record_id=lead.pk, field_name="owner"
    ).exists()


def test_read_only_access_can_read_but_not_write(org, api):
    OrgDefault.objects.filter(object_name="lead").update(internal_access="read")
    lead = f.lead(org.owner, company="Readable")
    url = f"{LEADS}{lead.pk}/"
    assert api.outsider.get(url).status_code == 200
    response = api.outsider.patch(url, {"company": "Changed"}, format="json")
    assert response.status_code == 403
    assert api.outsider.delete(url).status_code == 403
    lead.refresh_from_db()
    assert lead.company == "Readable"


def test_delete_says_what_depends_on_the_record(org, api):
    account = f.account(org.owner)
    f.contact(org.owner, account=account)
    f.opportunity(org.owner, account=account)
    response = api.owner.delete(f"{API}accounts/{account.pk}/")
    assert response.status_code == 400
    message = response.json()["errors"]["non_field_errors"][0]
    assert "Contacts" in message and "Opportunit" in message
    assert Account.objects.unrestricted().filter(pk=account.pk).exists()


class TestCustomFields:
    @pytest.fixture
    def fields(self, db):
        CustomField.objects.create(
            object_name="lead", name="score", label="Score", field_type="number"
        )
        CustomField.objects.create(
            object_name="lead", name="region", label="Region", field_type="picklist"
        )
        CustomField.objects.create(
            object_name="lead", name="met_on", label="Met on", field_type="date"
        )
        CustomField.objects.create(
            object_name="lead",
            name="partner",
            label="Partner",
            field_type="lookup",
            lookup_object="account",
        )
        PicklistValue.objects.create(
            object_name="lead", field_name="region", value="EMEA", label="EMEA"
        )

    def test_custom_values_round_trip(self, org, api, fields):
        account = f.account(org.owner)
        response = api.owner.post(
            LEADS,
            {
                "last_name": "C",
                "company": "Custom",
                "custom": {
                    "score": "42.5",
                    "region": "EMEA",
                    "met_on": "2030-05-01",
                    "partner": account.pk,
                },
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["custom"] == {
            "score": 42.5,
            "region": "EMEA",
            "met_on": "2030-05-01",
            "partner": account.pk,
        }
        pk = response.json()["id"]
        response = api.owner.patch(f"{LEADS}{pk}/", {"custom": {"score": None}}, format="json")
        assert response.json()["custom"]["score"] is None
        assert response.json()["custom"]["region"] == "EMEA"
        rows = api.owner.get(LEADS, {"filter": "custom__region:equals:EMEA"}).json()["results"]
        assert [r["id"] for r in rows] == [pk]

    def test_bad_custom_values_name_the_custom_field(self, org, api, fields):
        hidden = f.account(org.outsider)
        response = api.owner.post(
            LEADS,
            {
                "last_name": "C",
                "company": "Custom",
                "custom": {"score": "lots", "region": "Mars", "nope": 1, "partner": hidden.pk},
            },
            format="json",
        )
        assert response.status_code == 400
        errors = response.json()["errors"]["custom"]
        assert set(errors) == {"score", "region", "nope", "partner"}
        assert not Lead.objects.unrestricted().exists()

    def test_required_custom_field(self, org, api, fields):
        CustomField.objects.create(
            object_name="lead", name="budget", label="Budget", field_type="currency", required=True
        )
        response = api.owner.post(LEADS, {"last_name": "C", "company": "Custom"}, format="json")
        assert response.status_code == 400
        assert "budget" in response.json()["errors"]["custom"]
        response = api.owner.post(
            LEADS, {"last_name": "C", "company": "Custom", "custom": {"budget": 10}}, format="json"
        )
        assert response.status_code == 201


class TestListParameters:
    @pytest.fixture
    def leads(self, org):
        return [
            f.lead(
                org.owner,
                last_name="Alpha",
                company="Zeta",
                status="Working - Contacted",
                annual_revenue=500,
            ),
            f.lead(org.owner, last_name="Beta", company="Acme", annual_revenue=50),
            f.lead(org.owner, last_name="Gamma", company="Acme Two"),
            f.lead(org.outsider, last_name="Hidden", company="Acme", status="Working - Contacted"),
        ]

    def names(self, client, **params):
        response = client.get(LEADS, params)
        assert response.status_code == 200, response.json()
        return [row["last_name"] for row in response.json()["results"]]

    def test_equality_filter(self, api, leads):
        assert self.names(api.owner, status="Working - Contacted") == ["Alpha"]

    def test_operator_filters(self, api, leads):
        assert self.names(api.owner, filter="annual_revenue:greater_than:100") == ["Alpha"]
        assert sorted(self.names(api.owner, filter="company:starts_with:acme")) == ["Beta", "Gamma"]

    def test_search_and_ordering(self, api, leads):
        assert self.names(api.owner, search="acme", ordering="last_name") == ["Beta", "Gamma"]
        assert self.names(api.owner, ordering="-last_name") == ["Gamma", "Beta", "Alpha"]

    def test_bad_parameters_name_the_field(self, api, leads):
        for params, field in (
            ({"annual_revenue": "plenty"}, "annual_revenue"),
            ({"filter": "annual_revenue:greater_than:lots"}, "annual_revenue"),
            ({"filter": "company:explodes:x"}, "company"),
            ({"filter": "nonsense"}, "filter"),
            ({"stauts": "Open"}, "stauts"),
            ({"ordering": "password"}, "ordering"),
            ({"page": "0"}, "page"),
        ):
            response = api.owner.get(LEADS, params)
            assert response.status_code == 400, params
            assert field in response.json()["errors"], (params, response.json())


def test_pagination_uses_links_without_counting(org, api):
    for n in range(5):
        f.lead(org.owner, last_name=f"L{n}")
    seen, url, pages = [], LEADS + "?page_size=2", 0
    with CaptureQueriesContext(connection) as queries:
        first = api.owner.get(url).json()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None
    body = first
    while True:
        pages += 1
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        body = api.owner.get(body["next"]).json()
        assert body["previous"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)  # newest first


def test_list_query_count_does_not_grow_with_rows(org, api):
    f.lead(org.owner)
    api.owner.get(LEADS)  # warm up: content types, picklists
    with CaptureQueriesContext(connection) as few:
        assert len(api.owner.get(LEADS).json()["results"]) == 1
    for _ in range(10):
        f.lead(org.owner, created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    with CaptureQueriesContext(connection) as many:
        assert len(api.owner.get(LEADS).json()["results"]) == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_change_owner_can_email_the_new_owner(
    org, api, mailoutbox, django_capture_on_commit_callbacks
):
    lead = f.lead(org.owner, company="Mailed Co")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.owner.post(
            f"{LEADS}{lead.pk}/change-owner/",
            {"owner": org.teammate.pk, "send_email": True},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert [m.to for m in mailoutbox] == [[org.teammate.email]]


def test_change_owner_to_an_inactive_or_unknown_user_is_refused(org, api):
    lead = f.lead(org.owner)
    gone = f.user(is_active=False)
    for owner in (gone.pk, 999_999):
        response = api.owner.post(
            f"{LEADS}{lead.pk}/change-owner/", {"owner": owner}, format="json"
        )
        assert response.status_code == 400
        assert "owner" in response.json()["errors"]
    lead.refresh_from_db()
    assert lead.owner_id == org.owner.pk


def test_patch_is_not_blocked_by_a_field_made_required_later(org, api):
    lead = f.lead(org.owner)
    CustomField.objects.create(
        object_name="lead", name="budget", label="Budget", field_type="number", required=True
    )
    CustomField.objects.create(object_name="lead", name="note", label="Note", field_type="text")
    url = f"{LEADS}{lead.pk}/"
    assert api.owner.patch(url, {"company": "Still editable"}, format="json").status_code == 200
    assert api.owner.patch(url, {"custom": {"note": "hi"}}, format="json").status_code == 200
    response = api.owner.patch(url, {"custom": {"budget": None}}, format="json")
    assert response.status_code == 400
    assert "budget" in response.json()["errors"]["custom"]
    response = api.owner.put(url, {"last_name": "L", "company": "C"}, format="json")
    assert response.status_code == 400  # a full replacement must fill it
    assert "budget" in response.json()["errors"]["custom"]


def test_any_api_user_can_find_people_to_assign(org, api):
    f.user(email="gone@example.com", is_active=False)
    rows = api.owner.get(f"{API}users/", {"search": "example.com", "page_size": 200}).json()[
        "results"
    ]
    emails = {row["email"] for row in rows}
    assert {"teammate@example.com", "admin@example.com"} <= emails
    assert "gone@example.com" not in emails
    assert "password" not in rows[0]
    assert (
        api.owner.get(f"{API}users/", {"search": "teammate"}).json()["results"][0]["id"]
        == org.teammate.pk
    )


def test_create_can_run_the_active_assignment_rule(org, api):
    from tandem.assignment.models import AssignmentRule, AssignmentRuleEntry

    rule = AssignmentRule.objects.create(name="Web", object_name="lead", is_active=True)
    AssignmentRuleEntry.objects.create(
        rule=rule,
        sort_order=10,
        criteria=[{"field": "lead_source", "op": "equals", "value": "Web"}],
        target_kind="user",
        user=org.teammate,
    )
    payload = {"last_name": "Routed", "company": "R", "lead_source": "Web"}
    response = api.admin.post(LEADS + "?assign=true", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == org.teammate.pk
    response = api.admin.post(LEADS, payload, format="json")
    assert response.json()["owner"] == org.admin.pk  # without the flag nothing is routed
    response = api.admin.post(LEADS + "?assign=maybe", payload, format="json")
    assert response.status_code == 400
    assert "assign" in response.json()["errors"]
    assert Lead.objects.unrestricted().count() == 2
