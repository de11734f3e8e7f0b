"""Lead conversion: to new and existing records, with and without opportunity, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.access.door import can
from tandem.access.models import Profile
from tandem.activities.models import Task
from tandem.core.models import CustomField
from tandem.sales.conversion import convert_lead
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f


def _lead(owner, **kw):
    kw.setdefault("company", "Ferro SpA")
    kw.setdefault("email", "maria@ferro.it")
    return f.lead(owner, first_name="Maria", last_name="Rossi", lead_source="Web", city="Turin", **kw)


def test_convert_to_new_records_maps_fields_and_moves_activities(org):
    lead = _lead(org.owner)
    task = Task.objects.create(owner=org.owner, subject="Call", status="Not Started", priority="Normal", lead=lead)
    result = convert_lead(org.owner, lead, owner=org.owner, converted_status="Closed - Converted")
    lead.refresh_from_db()
    assert lead.is_converted and lead.status == "Closed - Converted" and lead.converted_by == org.owner
    assert (lead.converted_account, lead.converted_contact, lead.converted_opportunity) == (
        result.account, result.contact, result.opportunity,
    )
    assert result.account.name == "Ferro SpA" and result.account.city == "Turin"
    assert (result.contact.last_name, result.contact.email, result.contact.account) == ("Rossi", "maria@ferro.it", result.account)
    assert result.opportunity.name == "Ferro SpA-" and result.opportunity.stage == "Prospecting"
    task.refresh_from_db()
    assert (task.lead, task.contact, task.opportunity) == (None, result.contact, result.opportunity)
    for record in (result.account, result.contact, result.opportunity):
        assert can(org.owner, "edit", record) and can(org.manager, "read", record)
        assert not can(org.outsider, "read", record)


def test_convert_to_existing_account_and_contact_without_opportunity(org):
    account = f.account(org.owner, name="Ferro SpA")
    contact = f.contact(org.owner, account, last_name="Rossi")
    lead = _lead(org.owner)
    result = convert_lead(
        org.owner, lead, owner=org.owner, converted_status="Closed - Converted",
        account=account, contact=contact, create_opportunity=False,
    )
    assert (result.account, result.contact, result.opportunity) == (account, contact, None)
    assert Account.objects.unrestricted().count() == 1 and Contact.objects.unrestricted().count() == 1
    assert not Opportunity.objects.unrestricted().exists()


def test_custom_fields_map_as_configured(org):
    CustomField.objects.create(object_name="lead", name="region", label="Region", field_type="text", convert_to={"account": "territory"})
    CustomField.objects.create(object_name="account", name="territory", label="Territory", field_type="text")
    lead = _lead(org.owner, custom={"region": "EMEA"})
    result = convert_lead(org.owner, lead, owner=org.owner, converted_status="Closed - Converted")
    assert result.account.custom == {"territory": "EMEA"}


def test_failure_changes_nothing(org):
    read_only = Profile.objects.get(name="Standard User")
    read_only.object_permissions = {**read_only.object_permissions, "opportunity": {"read": True}}
    read_only.save()
    owner = type(org.owner).objects.get(pk=org.owner.pk)
    lead = _lead(owner)
    with pytest.raises(PermissionDenied):
        convert_lead(owner, lead, owner=owner, converted_status="Closed - Converted")
    lead.refresh_from_db()
    assert not lead.is_converted
    assert not Account.objects.unrestricted().exists() and not Contact.objects.unrestricted().exists()


def test_account_the_user_cannot_see_is_refused(org):
    hidden = f.account(org.outsider)
    lead = _lead(org.owner)
    with pytest.raises(ValidationError):
        convert_lead(org.owner, lead, owner=org.owner, converted_status="Closed - Converted", account=hidden)
    assert not Lead.objects.unrestricted().get(pk=lead.pk).is_converted


def test_converted_lead_is_read_only_and_shows_what_it_became(client, org):
    lead = _lead(org.owner)
    client.force_login(org.owner)
    page = client.get(reverse("lead_convert", args=[lead.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("lead_convert", args=[lead.pk]),
        {"owner": org.owner.pk, "account_choice": "new", "account_name": "Ferro Group", "opportunity_name": "Ferro - robots", "converted_status": "Closed - Converted"},
    )
    opportunity = Opportunity.objects.unrestricted().get()
    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert "Ferro Group" in detail and "Ferro - robots" in detail and "read-only" in detail
    edit = client.post(reverse("record_edit", args=["leads", lead.pk]), {"last_name": "X", "company": "Y", "status": "Working - Contacted"})
    assert edit.status_code == 302
    assert Lead.objects.unrestricted().get(pk=lead.pk).last_name == "Rossi"
    assert client.get(reverse("lead_convert", args=[lead.pk])).status_code == 404


def test_outsider_cannot_open_convert(client, org):
    lead = _lead(org.owner)
    client.force_login(org.outsider)
    assert client.get(reverse("lead_convert", args=[lead.pk])).status_code == 404
