"""Merge fields: record and related fields, fallbacks, escaping, and a sandbox nothing escapes."""

import datetime

import pytest

from tandem.core.models import Company, CustomField
from tandem.messaging.merge import merge, problems
from tandem.messaging.merge_fields import Resolver, catalogue, context_records, known_tokens
from tests import factories as f


def render(user, record, text, html=False):
    values = Resolver(user, context_records(record), "https://crm.example.com").values(text)
    return merge(text, values, html=html)


def test_record_fields_custom_fields_and_related_records(org):
    CustomField.objects.create(
        object_name="contact", name="region", label="Region", field_type="text"
    )
    account = f.account(org.owner, name="Acme Corp")
    contact = f.contact(
        org.owner, account, first_name="Ada", last_name="Lovelace", custom={"region": "EMEA"}
    )
    deal = f.opportunity(org.owner, account, name="Big deal", amount=1234.5, currency="EUR")
    text = (
        "{{Contact.FirstName}} {{Contact.LastName}} of {{Contact.Account.Name}} in "
        "{{Contact.Region__c}}, owned by {{Contact.Owner.Email}}; from {{User.FirstName}}"
    )
    assert render(org.owner, contact, text) == (
        "Ada Lovelace of Acme Corp in EMEA, owned by owner@example.com; from Test"
    )
    assert render(org.owner, deal, "{{Opportunity.Account.Name}}: {{Opportunity.Amount}}") == (
        "Acme Corp: EUR 1,234.50"
    )
    assert render(org.owner, contact, "{{Contact.Link}}") == (
        f"https://crm.example.com/contacts/{contact.pk}/"
    )
    Company.objects.update(name="Tandem Ltd")
    assert render(org.owner, contact, "{{Organization.Name}}") == "Tandem Ltd"


def test_fallbacks_fill_empty_values_only(org):
    contact = f.contact(org.owner, first_name="", last_name="Lovelace")
    text = '{{Contact.FirstName|"Valued customer"}} / {{Contact.LastName|"nobody"}}'
    assert render(org.owner, contact, text) == "Valued customer / Lovelace"
    lead = f.lead(org.owner, title="")
    assert render(org.owner, lead, 'Dear {{Lead.Title|"Sir or Madam"}}') == "Dear Sir or Madam"


def test_values_are_escaped_in_html_but_not_in_text(org):
    contact = f.contact(org.owner, first_name="<script>alert(1)</script>", last_name="O'Hara & Co")
    text = "<p>Hello {{Contact.FirstName}} {{Contact.LastName}}</p>"
    assert render(org.owner, contact, text, html=True) == (
        "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; O&#x27;Hara &amp; Co</p>"
    )
    assert render(org.owner, contact, "{{Contact.LastName}}") == "O'Hara & Co"


@pytest.mark.parametrize(
    "attack",
    [
        "{{ user.password }}",
        "{{User.Password}}",
        "{{User.password}}",
        "{{Contact.Owner.Password}}",
        "{{Contact.Owner.Profile}}",
        "{% load static %}{% debug %}",
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{Contact.__class__}}",
        "{{Contact.FirstName.__class__}}",
        "{{Contact.Account.Owner.Email}}",
        "{{settings.SECRET_KEY}}",
    ],
)
def test_templates_cannot_reach_beyond_fields(org, attack, settings):
    contact = f.contact(org.owner, f.account(org.owner), first_name="Ada")
    out = render(org.owner, contact, attack) + render(org.owner, contact, attack, html=True)
    assert org.owner.password not in out and "pbkdf2" not in out and "md5$" not in out
    assert settings.SECRET_KEY not in out
    assert "<class" not in out and "object at 0x" not in out and "Profile" not in out
    assert "owner@example.com" not in out  # two hops (Account.Owner.Email) are refused too
    # An administrator typing it into a template gets an error naming the token.
    assert problems(attack, known_tokens("contact"))


def test_a_related_record_the_sender_cannot_read_merges_as_empty(org):
    parent = f.account(org.outsider, name="Secret Holding")
    account = f.account(org.owner, name="Visible", parent=parent)
    text = '{{Account.Parent.Name|"—"}}|{{Account.Parent}}'
    assert render(org.owner, account, text) == "—|"
    assert render(org.outsider, account, text) == "Secret Holding|Secret Holding"


def test_errors_name_the_bad_token(db):
    known = known_tokens("contact")
    assert problems("Hi {{Contact.FirstName}}", known) == []
    assert problems('Hi {{Contact.FirstName|"you"}}', known) == []
    [unknown] = problems("Hi {{Contact.Nickname}}", known)
    assert "Contact.Nickname" in unknown
    [syntax] = problems("Hi {{Contact.FirstName | upper}}", known)
    assert "Contact.FirstName | upper" in syntax
    [unclosed] = problems("Hi {{Contact.FirstName", known)
    assert "{{" in unclosed
    [tag] = problems("{% if x %}", known)
    assert "{% if x %}" in tag
    # A lead field is unknown in a contact template.
    assert problems("{{Lead.Company}}", known)


def test_picker_lists_fields_custom_fields_related_and_sender(org):
    CustomField.objects.create(
        object_name="opportunity", name="tier", label="Tier", field_type="text"
    )
    tokens = known_tokens("opportunity")
    for token in (
        "Opportunity.Name",
        "Opportunity.CloseDate",
        "Opportunity.Tier__c",
        "Opportunity.Account.Name",
        "Opportunity.Owner.FirstName",
        "User.FirstName",
        "User.Email",
        "Organization.Name",
    ):
        assert token in tokens
    assert not any("Password" in t or "password" in t for t in tokens)
    assert [g["label"] for g in catalogue("")] == ["Sender", "Company"]


def test_dates_are_written_for_people(org):
    deal = f.opportunity(org.owner, close_date=datetime.date(2026, 3, 5))
    assert "2026" in render(org.owner, deal, "{{Opportunity.CloseDate}}")
