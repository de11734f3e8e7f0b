"""Lead conversion, the rules a rep runs into: suggestions, existing contacts, refusals that
change nothing, notes and events moved, the new owner and what the converted lead shows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.access.door import can
from tandem.access.models import READ, TARGET_USER, RecordShare
from tandem.activities.models import Event, Note, Task
from tandem.core.models import CustomField, FieldHistory, PageLayout
from tandem.sales.conversion import convert_lead, matching_accounts
from tandem.sales.models import Account, Contact, Lead, Opportunity
from tests import factories as f

CONVERTED = "Closed - Converted"


def _lead(owner, **kw):
    kw.setdefault("company", "Ferro SpA")
    kw.setdefault("email", "maria@ferro.it")
    return f.lead(owner, first_name="Maria", last_name="Rossi", lead_source="Web", **kw)


def _nothing_changed(lead):
    lead = Lead.objects.unrestricted().get(pk=lead.pk)
    assert not lead.is_converted and lead.status == "Open - Not Contacted"
    assert lead.converted_account is None and lead.converted_by is None


def test_suggestions_by_name_and_email_domain_only_among_visible_accounts(org):
    same = f.account(org.owner, name="Ferro SpA")
    similar = f.account(org.owner, name="Ferro Group Holding")
    by_site = f.account(org.owner, name="Acciaierie Nord", website="https://www.ferro.it")
    by_people = f.account(org.owner, name="Torino Metalli")
    f.contact(org.owner, by_people, last_name="Bianchi", email="luca@ferro.it")
    f.account(org.owner, name="Unrelated")
    f.account(org.outsider, name="Ferro SpA Hidden")  # the rep cannot see it
    lead = _lead(org.owner)
    found = matching_accounts(org.owner, lead)
    assert found[0] == same and found[0].match_reason == "same name"
    assert {a.pk for a in found} == {same.pk, similar.pk, by_site.pk, by_people.pk}
    reasons = {a.name: a.match_reason for a in found}
    assert reasons["Acciaierie Nord"] == "website on ferro.it"
    assert reasons["Torino Metalli"] == "contacts at ferro.it"


def test_free_mail_and_noise_words_suggest_nothing(org):
    f.account(org.owner, name="The Gmail Fans", website="https://gmail.com")
    lead = _lead(org.owner, company="The Co", email="maria@gmail.com")
    assert matching_accounts(org.owner, lead) == []


def test_convert_page_offers_the_accounts_contacts_lead_person_first(client, org):
    account = f.account(org.owner, name="Ferro SpA")
    f.contact(org.owner, account, last_name="Abate")
    same_person = f.contact(org.owner, account, last_name="Rossi", email="maria@ferro.it")
    lead = _lead(org.owner)
    client.force_login(org.owner)
    page = client.get(reverse("lead_convert", args=[lead.pk]))
    form = page.context["form"]
    assert form.fields["contact"].choices[1][0] == same_person.pk
    assert "Ferro SpA (same name)" in page.content.decode()
    # Choosing another account (the page asks again for its contacts) lists its contacts.
    other = f.account(org.owner, name="Other")
    mine = f.contact(org.owner, other, last_name="Verdi")
    again = client.get(reverse("lead_convert", args=[lead.pk]), {"account": other.pk})
    assert [c for c, _label in again.context["form"].fields["contact"].choices] == ["", mine.pk]


def test_attaching_to_an_account_the_user_may_only_read_says_why_and_changes_nothing(org):
    account = f.account(org.manager, name="Ferro SpA")
    RecordShare.objects.create(
        object_name="account",
        record_id=account.pk,
        target_kind=TARGET_USER,
        target_id=org.owner.pk,
        access_level=READ,
    )
    lead = _lead(org.owner)
    task = Task.objects.create(
        owner=org.owner, subject="Call", status="Not Started", priority="Normal", lead=lead
    )
    with pytest.raises(ValidationError) as info:
        convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED, account=account)
    assert "may not edit the account Ferro SpA" in str(info.value.message_dict["account"])
    _nothing_changed(lead)
    assert (
        Contact.objects.unrestricted().count() == 0
        and not Opportunity.objects.unrestricted().exists()
    )
    task.refresh_from_db()
    assert task.lead == lead and task.account is None


def test_the_convert_page_shows_the_refusal_at_the_account_field(client, org):
    account = f.account(org.manager, name="Ferro SpA")
    RecordShare.objects.create(
        object_name="account",
        record_id=account.pk,
        target_kind=TARGET_USER,
        target_id=org.owner.pk,
        access_level=READ,
    )
    lead = _lead(org.owner)
    client.force_login(org.owner)
    response = client.post(
        reverse("lead_convert", args=[lead.pk]),
        {
            "owner": org.owner.pk,
            "account_choice": "existing",
            "account": account.pk,
            "converted_status": CONVERTED,
        },
    )
    assert response.status_code == 400
    assert "may not edit the account Ferro SpA" in " ".join(
        response.context["form"].errors["account"]
    )
    _nothing_changed(lead)


def test_a_required_field_the_lead_cannot_fill_refuses_and_changes_nothing(org):
    CustomField.objects.create(
        object_name="account",
        name="vat_number",
        label="VAT number",
        field_type="text",
        required=True,
    )
    lead = _lead(org.owner)
    Note.objects.create(owner=org.owner, title="Met at the fair", lead=lead)
    with pytest.raises(ValidationError) as info:
        convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED)
    assert info.value.messages == [
        "Account: VAT number is required and the lead gives it no value."
    ]
    _nothing_changed(lead)
    assert not Account.objects.unrestricted().exists()
    assert Note.objects.unrestricted().get().lead == lead


def test_a_required_field_filled_by_the_mapping_converts(org):
    CustomField.objects.create(
        object_name="account",
        name="vat_number",
        label="VAT number",
        field_type="text",
        required=True,
    )
    CustomField.objects.create(
        object_name="lead",
        name="vat",
        label="VAT",
        field_type="text",
        convert_to={"account": "vat_number"},
    )
    lead = _lead(org.owner, custom={"vat": "IT123"})
    result = convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED)
    assert result.account.custom == {"vat_number": "IT123"}


def test_a_field_the_layout_makes_required_refuses(org):
    PageLayout.objects.create(
        object_name="opportunity",
        name="Strict",
        sections=[{"title": "x", "fields": ["name", "next_step"]}],
        required=["next_step"],
        is_default=True,
    )
    lead = _lead(org.owner)
    with pytest.raises(ValidationError) as info:
        convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED)
    assert info.value.messages == [
        "Opportunity: Next step is required and the lead gives it no value."
    ]
    _nothing_changed(lead)
    # Without an opportunity the same lead converts.
    result = convert_lead(
        org.owner, lead, owner=org.owner, converted_status=CONVERTED, create_opportunity=False
    )
    assert result.opportunity is None


def test_new_owner_gets_the_records_and_activities_notes_events_move(org):
    lead = _lead(org.owner)
    start = timezone.now() + datetime.timedelta(days=1)
    event = Event.objects.create(
        owner=org.owner,
        subject="Demo",
        start=start,
        end=start + datetime.timedelta(hours=1),
        lead=lead,
    )
    note = Note.objects.create(owner=org.owner, title="Budget approved", lead=lead)
    task = Task.objects.create(
        owner=org.owner, subject="Send quote", status="Not Started", priority="High", lead=lead
    )
    result = convert_lead(org.owner, lead, owner=org.teammate, converted_status=CONVERTED)
    for record in (result.account, result.contact, result.opportunity):
        assert record.owner == org.teammate
        assert can(org.teammate, "edit", record) and not can(org.outsider, "read", record)
    for activity in (event, note, task):
        activity.refresh_from_db()
        assert activity.lead is None
        assert (activity.contact, activity.account, activity.opportunity) == (
            result.contact,
            result.account,
            result.opportunity,
        )
    lead.refresh_from_db()
    assert (
        lead.status == CONVERTED
        and lead.converted_by == org.owner
        and lead.converted_at is not None
    )
    history = FieldHistory.objects.get(object_name="lead", record_id=lead.pk, field_name="status")
    assert (history.old_value, history.new_value, history.changed_by) == (
        "Open - Not Contacted",
        CONVERTED,
        org.owner,
    )


def test_existing_contact_must_be_editable_and_at_the_account(org):
    account = f.account(org.owner, name="Ferro SpA")
    elsewhere = f.contact(org.owner, f.account(org.owner, name="Other"), last_name="Verdi")
    lead = _lead(org.owner)
    with pytest.raises(ValidationError) as info:
        convert_lead(
            org.owner,
            lead,
            owner=org.owner,
            converted_status=CONVERTED,
            account=account,
            contact=elsewhere,
        )
    assert "contact" in info.value.message_dict
    _nothing_changed(lead)


def test_converted_lead_page_says_when_and_by_whom_and_stays_out_of_convert(client, org):
    lead = _lead(org.owner)
    client.force_login(org.owner)
    response = client.post(
        reverse("lead_convert", args=[lead.pk]),
        {
            "owner": org.owner.pk,
            "account_choice": "new",
            "account_name": "Ferro SpA",
            "no_opportunity": "on",
            "converted_status": CONVERTED,
        },
    )
    account = Account.objects.unrestricted().get()
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()
    assert not Opportunity.objects.unrestricted().exists()
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Converted on" in page and org.owner.full_name in page and "Ferro SpA" in page
    assert reverse("lead_convert", args=[lead.pk]) not in page


def test_new_account_needs_a_name(client, org):
    lead = _lead(org.owner)
    client.force_login(org.owner)
    response = client.post(
        reverse("lead_convert", args=[lead.pk]),
        {
            "owner": org.owner.pk,
            "account_choice": "new",
            "account_name": " ",
            "converted_status": CONVERTED,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["account_name"] == ["Enter the name of the new account."]
    _nothing_changed(lead)


def test_a_failure_after_the_account_was_made_rolls_everything_back(org, monkeypatch):
    """All or nothing for real: the opportunity fails after the account and contact exist."""
    from tandem.sales import conversion

    real = conversion.create_record

    def failing(user, obj_def, values, custom=None):
        if obj_def.name == "opportunity":
            raise ValidationError({"name": "The database refused the opportunity."})
        return real(user, obj_def, values, custom)

    monkeypatch.setattr(conversion, "create_record", failing)
    lead = _lead(org.owner)
    task = Task.objects.create(
        owner=org.owner, subject="Call", status="Not Started", priority="Normal", lead=lead
    )
    with pytest.raises(ValidationError):
        convert_lead(org.owner, lead, owner=org.teammate, converted_status=CONVERTED)
    _nothing_changed(lead)
    assert (
        not Account.objects.unrestricted().exists() and not Contact.objects.unrestricted().exists()
    )
    task.refresh_from_db()
    assert task.lead == lead and task.contact is None
    assert not FieldHistory.objects.filter(object_name__in=["account", "contact"]).exists()
