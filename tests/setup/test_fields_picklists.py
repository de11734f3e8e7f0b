"""Custom fields of every type, and picklist values (“Lukewarm” in Lead Rating)."""

import pytest
from django.urls import reverse

from tandem.access.models import SharingRule
from tandem.core import registry
from tandem.core.fields import field_map, picklist_choices
from tandem.core.models import CustomField, ListView, PageLayout, PicklistValue

TYPE_EXTRAS = {
    "text": {"max_length": "40", "default_value": "n/a"},
    "number": {"decimal_places": "2", "default_value": "3.5"},
    "currency": {"decimal_places": "2"},
    "percent": {"default_value": "10"},
    "date": {"default_value": "2026-01-31"},
    "datetime": {},
    "checkbox": {"default_value": "true"},
    "picklist": {"picklist_values": "North\nSouth\nEast", "default_value": "South"},
    "multipicklist": {"picklist_values": "Red\nGreen", "default_value": "Red;Green"},
    "email": {"default_value": "info@example.com"},
    "phone": {},
    "url": {"default_value": "https://example.com"},
    "textarea": {"max_length": "5000"},
    "lookup": {"lookup_object": "account"},
}


def field_data(**overrides):
    data = {
        "label": "Region",
        "name": "",
        "field_type": "text",
        "help_text": "Where",
        "required": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_every_type_has_a_test_case():
    assert set(TYPE_EXTRAS) == {t for t, _label in CustomField.TYPES}


@pytest.mark.parametrize("field_type", list(TYPE_EXTRAS))
def test_create_a_custom_field_of_each_type(admin_web, field_type):
    label = f"My {field_type}"
    response = admin_web.post(
        reverse("setup:field_add", args=["lead"]),
        field_data(label=label, field_type=field_type, **TYPE_EXTRAS[field_type]),
    )
    assert response.status_code == 302, response.context["form"].errors
    field = CustomField.objects.get(object_name="lead", label=label)
    assert field.name == f"my_{field_type}"
    assert field.field_type == field_type
    spec = field_map(registry.get("lead"))[f"custom.my_{field_type}"]
    assert spec.is_custom and spec.type == field_type
    layout = PageLayout.objects.get(object_name="lead", is_default=True)
    assert f"custom.my_{field_type}" in layout.sections[0]["fields"]
    if field_type == "lookup":
        assert field.lookup_object == "account"
    if field_type == "picklist":
        assert picklist_choices("lead", "custom.my_picklist") == [
            ("North", "North"),
            ("South", "South"),
            ("East", "East"),
        ]
        assert (
            PicklistValue.objects.get(field_name="custom.my_picklist", is_default=True).value
            == "South"
        )
    if field_type == "multipicklist":
        assert [v for v, _l in picklist_choices("lead", "custom.my_multipicklist")] == [
            "Red",
            "Green",
        ]


def test_new_field_appended_to_existing_default_layout(admin_web):
    layout = PageLayout.objects.create(
        object_name="account",
        name="Mine",
        sections=[{"title": "Main", "fields": ["name", "owner"]}],
        is_default=True,
    )
    admin_web.post(reverse("setup:field_add", args=["account"]), field_data(name="tier"))
    layout.refresh_from_db()
    assert layout.sections == [{"title": "Main", "fields": ["name", "owner", "custom.tier"]}]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "Bad Name"}, "name"),
        ({"name": "9lives"}, "name"),
        ({"name": "a__b"}, "name"),
        ({"label": ""}, "label"),
        ({"field_type": "hologram"}, "field_type"),
        ({"field_type": "lookup"}, "lookup_object"),
        ({"field_type": "picklist"}, "picklist_values"),
        ({"field_type": "picklist", "picklist_values": "A\na"}, "picklist_values"),
        (
            {"field_type": "picklist", "picklist_values": "A\nB", "default_value": "C"},
            "default_value",
        ),
        ({"field_type": "number", "default_value": "lots"}, "default_value"),
        ({"field_type": "date", "default_value": "31/31/2026"}, "default_value"),
        ({"field_type": "text", "max_length": "1000"}, "max_length"),
        ({"field_type": "email", "default_value": "nobody"}, "default_value"),
    ],
)
def test_bad_field_definitions_refused_at_the_field(admin_web, overrides, field):
    response = admin_web.post(reverse("setup:field_add", args=["lead"]), field_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not CustomField.objects.exists()
    assert not PicklistValue.objects.filter(field_name__startswith="custom.").exists()
    assert not PageLayout.objects.exists()


def test_api_name_unique_per_object(admin_web):
    admin_web.post(reverse("setup:field_add", args=["lead"]), field_data(name="region"))
    response = admin_web.post(
        reverse("setup:field_add", args=["lead"]), field_data(name="region", label="Other")
    )
    assert response.status_code == 400
    assert "already has" in response.context["form"].errors["name"][0]
    # Another object may use the same name.
    assert (
        admin_web.post(
            reverse("setup:field_add", args=["account"]), field_data(name="region")
        ).status_code
        == 302
    )
    assert CustomField.objects.filter(name="region").count() == 2


def test_edit_label_help_required(admin_web):
    admin_web.post(reverse("setup:field_add", args=["lead"]), field_data(name="region"))
    field = CustomField.objects.get()
    response = admin_web.post(
        reverse("setup:field_edit", args=["lead", field.pk]),
        {"label": "Sales region", "help_text": "Pick the region", "required": "on"},
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.help_text, field.required, field.field_type) == (
        "Sales region",
        "Pick the region",
        True,
        "text",
    )
    response = admin_web.post(reverse("setup:field_edit", args=["lead", field.pk]), {"label": ""})
    assert response.status_code == 400
    assert "label" in response.context["form"].errors


def test_delete_a_field_cleans_layouts_views_and_values(admin_web, admin_user):
    admin_web.post(
        reverse("setup:field_add", args=["lead"]),
        field_data(name="zone", field_type="picklist", picklist_values="A\nB"),
    )
    field = CustomField.objects.get()
    view = ListView.objects.create(
        object_name="lead",
        name="Zones",
        owner=admin_user,
        columns=["last_name", "custom.zone"],
        filters=[{"field": "custom.zone", "op": "equals", "value": "A"}],
    )
    assert admin_web.get(reverse("setup:field_delete", args=["lead", field.pk])).status_code == 200
    assert admin_web.post(reverse("setup:field_delete", args=["lead", field.pk])).status_code == 302
    assert not CustomField.objects.exists()
    assert not PicklistValue.objects.filter(field_name="custom.zone").exists()
    layout = PageLayout.objects.get(object_name="lead")
    assert all("custom.zone" not in s["fields"] for s in layout.sections)
    view.refresh_from_db()
    assert view.columns == ["last_name"] and view.filters == []


def test_field_used_by_a_sharing_rule_cannot_be_deleted(admin_web, org):
    admin_web.post(reverse("setup:field_add", args=["lead"]), field_data(name="zone"))
    field = CustomField.objects.get()
    SharingRule.objects.create(
        object_name="lead",
        name="Zone rule",
        kind="criteria",
        criteria=[{"field": "custom.zone", "op": "equals", "value": "A"}],
        target_kind="role",
        target_id=org.ceo_role.pk,
        access_level="read",
    )
    response = admin_web.post(reverse("setup:field_delete", args=["lead", field.pk]))
    assert response.status_code == 409
    assert "Zone rule" in response.content.decode()
    assert CustomField.objects.exists()


def rating_values():
    return list(
        PicklistValue.objects.filter(object_name="lead", field_name="rating")
        .order_by("sort_order", "pk")
        .values_list("value", flat=True)
    )


def test_add_lukewarm_to_lead_rating(admin_web):
    url = reverse("setup:picklist", args=["lead", "rating"])
    response = admin_web.post(url, {"value": "Lukewarm", "label": ""})
    assert response.status_code == 302
    assert rating_values() == ["Hot", "Warm", "Cold", "Lukewarm"]
    assert ("Lukewarm", "Lukewarm") in picklist_choices("lead", "rating")
    assert "Lukewarm" in admin_web.get(url).content.decode()
    # Twice is refused, whatever the case, naming the picklist.
    response = admin_web.post(url, {"value": "lukewarm"})
    assert response.status_code == 400
    assert "Rating" in response.context["form"].errors["value"][0]
    assert rating_values().count("Lukewarm") == 1


def test_edit_label_reorder_deactivate_and_default(admin_web):
    base = ["lead", "rating"]
    warm = PicklistValue.objects.get(object_name="lead", field_name="rating", value="Warm")
    response = admin_web.post(
        reverse("setup:picklist_value_edit", args=base + [warm.pk]), {"label": "Tepid"}
    )
    assert response.status_code == 302
    warm.refresh_from_db()
    assert (warm.value, warm.label) == ("Warm", "Tepid")

    admin_web.post(reverse("setup:picklist_move", args=base + [warm.pk, "up"]))
    assert rating_values() == ["Warm", "Hot", "Cold"]
    admin_web.post(reverse("setup:picklist_move", args=base + [warm.pk, "down"]))
    assert rating_values() == ["Hot", "Warm", "Cold"]
    ids = {
        v.value: v.pk for v in PicklistValue.objects.filter(object_name="lead", field_name="rating")
    }
    admin_web.post(
        reverse("setup:picklist_reorder", args=base),
        {"order": [ids["Cold"], ids["Warm"], ids["Hot"]]},
    )
    assert rating_values() == ["Cold", "Warm", "Hot"]
    # An order that leaves a value out is refused.
    admin_web.post(reverse("setup:picklist_reorder", args=base), {"order": [ids["Hot"]]})
    assert rating_values() == ["Cold", "Warm", "Hot"]

    admin_web.post(reverse("setup:picklist_default", args=base + [ids["Cold"]]))
    assert PicklistValue.objects.get(pk=ids["Cold"]).is_default
    admin_web.post(reverse("setup:picklist_default", args=base + [ids["Hot"]]))
    defaults = PicklistValue.objects.filter(
        object_name="lead", field_name="rating", is_default=True
    )
    assert list(defaults.values_list("value", flat=True)) == ["Hot"]
    # The default cannot be deactivated; another value can.
    admin_web.post(reverse("setup:picklist_toggle", args=base + [ids["Hot"]]))
    assert PicklistValue.objects.get(pk=ids["Hot"]).is_active
    admin_web.post(reverse("setup:picklist_toggle", args=base + [ids["Cold"]]))
    assert not PicklistValue.objects.get(pk=ids["Cold"]).is_active
    assert "Cold" not in dict(picklist_choices("lead", "rating"))


def test_stage_values_carry_probability_forecast_and_closed_won(admin_web):
    url = reverse("setup:picklist", args=["opportunity", "stage"])
    response = admin_web.post(
        url, {"value": "Verbal Yes", "probability": "95", "forecast_category": "Commit"}
    )
    assert response.status_code == 302
    stage = PicklistValue.objects.get(
        object_name="opportunity", field_name="stage", value="Verbal Yes"
    )
    assert (stage.probability, stage.forecast_category, stage.is_closed, stage.is_won) == (
        95,
        "Commit",
        False,
        False,
    )
    response = admin_web.post(
        reverse("setup:picklist_value_edit", args=["opportunity", "stage", stage.pk]),
        {
            "label": "Verbal Yes",
            "probability": "100",
            "forecast_category": "Closed",
            "is_closed": "on",
            "is_won": "on",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.probability, stage.is_closed, stage.is_won) == (100, True, True)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"value": "X", "probability": "150"}, "probability"),
        ({"value": "X", "is_won": "on"}, "is_won"),
        ({"value": "X", "forecast_category": "Maybe"}, "forecast_category"),
        ({"value": ""}, "value"),
    ],
)
def test_bad_stage_values_refused(admin_web, data, field):
    before = PicklistValue.objects.count()
    response = admin_web.post(reverse("setup:picklist", args=["opportunity", "stage"]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert PicklistValue.objects.count() == before


def test_custom_picklists_are_listed_and_editable(admin_web):
    admin_web.post(
        reverse("setup:field_add", args=["lead"]),
        field_data(name="zone", field_type="picklist", picklist_values="A\nB"),
    )
    html = admin_web.get(reverse("setup:picklists", args=["lead"])).content.decode()
    assert reverse("setup:picklist", args=["lead", "custom.zone"]) in html
    assert reverse("setup:picklist", args=["lead", "rating"]) in html
    admin_web.post(reverse("setup:picklist", args=["lead", "custom.zone"]), {"value": "C"})
    assert [v for v, _l in picklist_choices("lead", "custom.zone")] == ["A", "B", "C"]


def test_changing_a_picklist_fields_default_moves_the_default_value(admin_web):
    admin_web.post(
        reverse("setup:field_add", args=["lead"]),
        field_data(name="zone", field_type="picklist", picklist_values="A\nB", default_value="A"),
    )
    field = CustomField.objects.get()
    response = admin_web.post(
        reverse("setup:field_edit", args=["lead", field.pk]),
        {"label": "Zone", "default_value": "B"},
    )
    assert response.status_code == 302
    defaults = PicklistValue.objects.filter(field_name="custom.zone", is_default=True)
    assert list(defaults.values_list("value", flat=True)) == ["B"]
    response = admin_web.post(
        reverse("setup:field_edit", args=["lead", field.pk]),
        {"label": "Zone", "default_value": "Z"},
    )
    assert response.status_code == 400
    assert "default_value" in response.context["form"].errors
