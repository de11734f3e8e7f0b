"""Map Lead Fields: an administrator chooses where lead custom fields go on conversion, and
conversion copies the values accordingly, even after a target field was deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core.models import CustomField, PicklistValue
from tandem.sales.conversion import convert_lead
from tandem.sales.lead_mapping import broken_mappings
from tests import factories as f

CONVERTED = "Closed - Converted"


def cf(object_name, name, field_type="text", **kw):
    return CustomField.objects.create(
        object_name=object_name,
        name=name,
        label=name.replace("_", " ").title(),
        field_type=field_type,
        **kw,
    )


def test_lead_field_edit_offers_only_compatible_targets_and_saves_the_mapping(admin_web):
    region = cf("lead", "region")
    cf("account", "territory")
    cf("account", "notes_long", "textarea")
    cf("account", "headcount", "number")
    cf("opportunity", "deal_region", "picklist")
    url = reverse("setup:field_edit", args=["lead", region.pk])
    form = admin_web.get(url).context["form"]
    assert [c for c, _l in form.fields["map_account"].choices] == ["", "notes_long", "territory"]
    assert [c for c, _l in form.fields["map_opportunity"].choices] == [
        ""
    ]  # text cannot go into a picklist
    response = admin_web.post(
        url, {"label": "Region", "map_account": "territory", "map_contact": ""}
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.convert_to == {"account": "territory"}
    # An incompatible choice is refused at the field.
    response = admin_web.post(url, {"label": "Region", "map_account": "headcount"})
    assert response.status_code == 400
    assert "map_account" in response.context["form"].errors
    region.refresh_from_db()
    assert region.convert_to == {"account": "territory"}


def test_other_objects_fields_have_no_mapping(admin_web):
    territory = cf("account", "territory")
    form = admin_web.get(reverse("setup:field_edit", args=["account", territory.pk])).context[
        "form"
    ]
    assert not any(name.startswith("map_") for name in form.fields)


def test_map_lead_fields_page_lists_every_lead_field_and_saves_all(admin_web):
    region = cf("lead", "region", convert_to={"account": "territory"})
    budget = cf("lead", "budget", "currency")
    cf("account", "territory")
    cf("contact", "home_region")
    cf("opportunity", "budget_amount", "currency")
    url = reverse("setup:lead_field_mapping")
    page = admin_web.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Region" in html and "Budget" in html
    assert page.context["form"][f"f{region.pk}_account"].value() == "territory"
    response = admin_web.post(
        url,
        {
            f"f{region.pk}_account": "territory",
            f"f{region.pk}_contact": "home_region",
            f"f{budget.pk}_opportunity": "budget_amount",
        },
    )
    assert response.status_code == 302
    region.refresh_from_db()
    budget.refresh_from_db()
    assert region.convert_to == {"account": "territory", "contact": "home_region"}
    assert budget.convert_to == {"opportunity": "budget_amount"}
    # The Object Manager's lead fields page shows the mapping.
    fields_page = admin_web.get(reverse("setup:fields", args=["lead"])).content.decode()
    assert "Map Lead Fields" in fields_page and "Budget Amount" in fields_page


def test_map_page_refuses_an_incompatible_target(admin_web):
    budget = cf("lead", "budget", "currency")
    cf("account", "territory")
    response = admin_web.post(
        reverse("setup:lead_field_mapping"), {f"f{budget.pk}_account": "territory"}
    )
    assert response.status_code == 400
    budget.refresh_from_db()
    assert budget.convert_to == {}


def test_standard_user_cannot_open_the_map_page(standard_web):
    assert standard_web.get(reverse("setup:lead_field_mapping")).status_code in (403, 404)


def test_conversion_copies_values_to_every_mapped_object(org):
    cf("lead", "region", convert_to={"account": "territory", "contact": "home_region"})
    cf("lead", "budget", "currency", convert_to={"opportunity": "budget_amount"})
    cf("lead", "segment", "picklist", convert_to={"account": "segment_note"})
    cf("account", "territory")
    cf("account", "segment_note")
    cf("contact", "home_region")
    cf("opportunity", "budget_amount", "currency")
    lead = f.lead(
        org.owner, company="Ferro", custom={"region": "EMEA", "budget": 25000.0, "segment": "SMB"}
    )
    result = convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED)
    assert result.account.custom == {"territory": "EMEA", "segment_note": "SMB"}
    assert result.contact.custom == {"home_region": "EMEA"}
    assert result.opportunity.custom == {"budget_amount": 25000.0}
    assert result.skipped == []


def test_a_deleted_target_is_skipped_with_a_clear_message_and_the_rest_converts(client, org):
    cf("lead", "region", convert_to={"account": "territory", "contact": "home_region"})
    cf("account", "territory")
    cf("contact", "home_region")
    # Deleted behind Setup's back (the Setup page also drops the mapping, see below).
    CustomField.objects.filter(object_name="account", name="territory").delete()
    assert [m.describe() for m in broken_mappings()] == ["Region → Account field territory"]
    lead = f.lead(org.owner, company="Ferro", custom={"region": "EMEA"})
    client.force_login(org.owner)
    page = client.get(reverse("lead_convert", args=[lead.pk])).content.decode()
    assert "The Account field “territory” no longer exists." in page
    response = client.post(
        reverse("lead_convert", args=[lead.pk]),
        {
            "owner": org.owner.pk,
            "account_choice": "new",
            "account_name": "Ferro",
            "converted_status": CONVERTED,
        },
        follow=True,
    )
    text = response.content.decode()
    assert (
        "Lead converted." in text
        and "Not copied" in text
        and "Region → Account field territory" in text
    )
    lead.refresh_from_db()
    assert lead.is_converted
    assert lead.converted_account.custom == {}
    assert lead.converted_contact.custom == {"home_region": "EMEA"}


def test_deleting_a_target_in_setup_tells_and_drops_the_mapping(admin_web):
    region = cf("lead", "region", convert_to={"account": "territory"})
    territory = cf("account", "territory")
    url = reverse("setup:field_delete", args=["account", territory.pk])
    assert (
        "Lead conversion stops copying these lead fields into it: Region."
        in admin_web.get(url).content.decode()
    )
    assert admin_web.post(url).status_code == 302
    region.refresh_from_db()
    assert region.convert_to == {}


def test_a_value_the_target_picklist_lacks_refuses_the_conversion(org):
    cf("lead", "tier", "picklist", convert_to={"account": "tier"})
    target = cf("account", "tier", "picklist")
    PicklistValue.objects.create(
        object_name="account", field_name="custom.tier", value="Gold", label="Gold"
    )
    lead = f.lead(org.owner, company="Ferro", custom={"tier": "Platinum"})
    with pytest.raises(ValidationError) as info:
        convert_lead(org.owner, lead, owner=org.owner, converted_status=CONVERTED)
    assert info.value.messages == [
        f"Tier: “Platinum” is not a value of the Account field {target.label}."
    ]
    lead.refresh_from_db()
    assert not lead.is_converted


def test_new_records_get_the_target_fields_defaults_typed_as_the_form_would(org):
    cf("account", "tier", default_value="Standard")
    cf("account", "is_key", "checkbox", default_value="true")
    cf("opportunity", "discount", "percent", default_value="5")
    cf("lead", "region", convert_to={"account": "tier"})
    plain = f.lead(org.owner, company="Plain")
    result = convert_lead(org.owner, plain, owner=org.owner, converted_status=CONVERTED)
    assert result.account.custom == {"tier": "Standard", "is_key": True}
    assert result.opportunity.custom == {"discount": 5.0}
    mapped = f.lead(org.owner, company="Mapped", custom={"region": "Gold"})
    result = convert_lead(org.owner, mapped, owner=org.owner, converted_status=CONVERTED)
    assert result.account.custom["tier"] == "Gold"  # the lead's value wins over the default
