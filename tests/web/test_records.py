"""Record pages: what owners, managers and outsiders see and can do, for every object."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tandem.activities.models import Event, Note, Task
from tandem.core import registry
from tandem.core.models import FieldHistory, RecentItem
from tandem.sales.models import Lead
from tests import factories as f

OBJECTS = [o.name for o in registry.all_objects()]


def make(object_name, owner):
    if object_name == "account":
        return f.account(owner)
    if object_name == "contact":
        return f.contact(owner, f.account(owner))
    if object_name == "lead":
        return f.lead(owner)
    if object_name == "opportunity":
        return f.opportunity(owner, f.account(owner))
    parent = f.lead(owner)
    if object_name == "task":
        return Task.objects.create(owner=owner, subject="Call back", status="Not Started", priority="Normal", lead=parent)
    now = datetime.datetime.now(datetime.UTC)
    if object_name == "event":
        return Event.objects.create(owner=owner, subject="Demo", start=now, end=now, lead=parent)
    return Note.objects.create(owner=owner, title="Met at fair", lead=parent)


def urls(record):
    slug = record.object_def.slug
    return [
        reverse(name, args=[slug, record.pk])
        for name in ("record_detail", "record_edit", "record_delete", "record_change_owner", "record_sharing")
    ]


@pytest.mark.parametrize("object_name", OBJECTS)
def test_outsider_gets_404_everywhere(client, org, object_name):
    record = make(object_name, org.owner)
    client.force_login(org.outsider)
    for url in urls(record):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert type(record).objects.unrestricted().filter(pk=record.pk).exists()


@pytest.mark.parametrize("object_name", OBJECTS)
def test_owner_and_manager_open_every_page(client, org, object_name):
    record = make(object_name, org.owner)
    for who in (org.owner, org.manager, org.admin):
        client.force_login(who)
        for url in urls(record):
            assert client.get(url).status_code == 200, (who, url)
        assert client.get(reverse("record_list", args=[record.object_def.slug])).status_code == 200


def test_missing_record_and_hidden_record_answer_the_same(client, org):
    lead = f.lead(org.owner)
    client.force_login(org.teammate)
    hidden = client.get(reverse("record_detail", args=["leads", lead.pk]))
    missing = client.get(reverse("record_detail", args=["leads", lead.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_create_lead_through_the_form_records_history(client, org):
    client.force_login(org.owner)
    response = client.post(
        reverse("record_create", args=["leads"]),
        {"last_name": "Rossi", "company": "Ferro SpA", "status": "Open - Not Contacted", "email": "m@ferro.it"},
    )
    lead = Lead.objects.unrestricted().get(last_name="Rossi")
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert lead.owner == org.owner and lead.created_by == org.owner
    client.post(
        reverse("record_edit", args=["leads", lead.pk]),
        {"last_name": "Rossi", "company": "Ferro SpA", "status": "Working - Contacted", "email": "m@ferro.it"},
    )
    change = FieldHistory.objects.get(object_name="lead", record_id=lead.pk, field_name="status")
    assert (change.old_value, change.new_value, change.changed_by) == (
        "Open - Not Contacted", "Working - Contacted", org.owner,
    )
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Working - Contacted" in page and "Lead status" in page


def test_bad_input_is_named_at_the_field_and_nothing_saved(client, org):
    client.force_login(org.owner)
    response = client.post(
        reverse("record_create", args=["opportunities"]),
        {"name": "Big deal", "stage": "Not a stage", "close_date": "31/31/2024", "amount": "lots"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"stage", "close_date", "amount"} <= set(errors)
    assert not registry.get("opportunity").model.objects.unrestricted().exists()


def test_lookup_to_a_record_the_user_cannot_see_is_refused(client, org):
    hidden_account = f.account(org.outsider)
    client.force_login(org.owner)
    response = client.post(
        reverse("record_create", args=["contacts"]),
        {"last_name": "Bianchi", "account": hidden_account.pk},
    )
    assert response.status_code == 400
    assert "account" in response.context["form"].errors


def test_delete_names_what_depends_on_the_record(client, org):
    account = f.account(org.owner)
    f.contact(org.owner, account)
    f.contact(org.owner, account)
    client.force_login(org.owner)
    response = client.post(reverse("record_delete", args=["accounts", account.pk]))
    assert response.status_code == 400
    assert "2 Contacts" in response.content.decode()
    assert type(account).objects.unrestricted().filter(pk=account.pk).exists()


def test_change_owner_moves_the_lead_and_the_old_owner_loses_it(client, org):
    lead = f.lead(org.owner)
    client.force_login(org.owner)
    response = client.post(reverse("record_change_owner", args=["leads", lead.pk]), {"owner": org.outsider.pk})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == org.outsider
    assert client.get(lead.get_absolute_url()).status_code == 404
    assert FieldHistory.objects.filter(object_name="lead", record_id=lead.pk, field_name="owner").exists()


def test_teammate_cannot_change_owner_of_a_shared_read_only_lead(client, org):
    from tandem.core.actions import share_record

    lead = f.lead(org.owner)
    share_record(org.owner, lead, "user", org.teammate.pk, "read")
    client.force_login(org.teammate)
    assert client.get(lead.get_absolute_url()).status_code == 200
    assert client.get(reverse("record_edit", args=["leads", lead.pk])).status_code == 404
    response = client.post(reverse("record_change_owner", args=["leads", lead.pk]), {"owner": org.teammate.pk})
    assert response.status_code == 400
    lead.refresh_from_db()
    assert lead.owner == org.owner


def test_list_shows_only_visible_records_and_pages_without_counting(client, org):
    mine = [f.lead(org.owner, last_name=f"Mine{i}") for i in range(3)]
    f.lead(org.outsider, last_name="Hidden")
    client.force_login(org.owner)
    page = client.get(reverse("record_list", args=["leads"])).content.decode()
    assert all(lead.last_name in page for lead in mine)
    assert "Hidden" not in page


def test_global_search_respects_the_door(client, org):
    f.lead(org.owner, company="Zephyr Mining")
    f.account(org.outsider, name="Zephyr Holdings")
    client.force_login(org.owner)
    page = client.get(reverse("search"), {"q": "zephyr"}).content.decode()
    assert "Zephyr Mining" in page and "Zephyr Holdings" not in page


def test_recent_items_list_opened_records_newest_first(client, org):
    first, second = f.lead(org.owner, last_name="First"), f.lead(org.owner, last_name="Second")
    client.force_login(org.owner)
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    labels = [i["label"] for i in client.get("/").context["recent_items"]]
    assert labels[:2] == [str(second), str(first)]
    assert RecentItem.objects.filter(user=org.owner).count() == 2


def test_saved_list_view_with_filter_and_columns(client, org):
    f.lead(org.owner, last_name="Webby", lead_source="Web")
    f.lead(org.owner, last_name="Fairy", lead_source="Trade Show")
    client.force_login(org.owner)
    response = client.post(
        reverse("list_view_new", args=["leads"]),
        {"name": "Web leads", "scope": "mine", "visibility": "me", "columns": ["last_name", "lead_source"],
         "sort": "-created_at", "filter_logic": "and", "filter_0_field": "lead_source", "filter_0_op": "equals",
         "filter_0_value": "Web"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Webby" in page and "Fairy" not in page


def test_login_by_email_and_forced_password_change(client, org):
    org.owner.must_change_password = True
    org.owner.save()
    response = client.post(reverse("login"), {"username": "OWNER@example.com", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get("/").url == reverse("password_change")
    client.post(reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": "brand-new-Secret-42", "new_password2": "brand-new-Secret-42"})
    assert client.get("/").status_code == 200


def test_password_reset_by_email(client, org):
    client.post(reverse("password_reset"), {"email": "owner@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "another-Secret-77", "new_password2": "another-Secret-77"})
    assert client.login(username="owner@example.com", password="another-Secret-77")
