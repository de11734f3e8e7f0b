"""The OpenAPI document a client generator would download."""

import pytest
from rest_framework.test import APIClient

from tandem.api.setup_views import SETUP_ENDPOINTS
from tandem.core import registry
from tandem.core.models import CustomField


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    """Generated once per module: generation takes seconds."""
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_schema_lists_every_object_with_every_operation(schema):
    for obj in registry.all_objects():
        collection = schema["paths"][f"/api/v1/{obj.slug}/"]
        item = schema["paths"][f"/api/v1/{obj.slug}/{{id}}/"]
        assert {"get", "post"} <= set(collection), obj.name
        assert {"get", "put", "patch", "delete"} <= set(item), obj.name
        assert "post" in schema["paths"][f"/api/v1/{obj.slug}/{{id}}/change-owner/"]
        component = obj.model.__name__
        assert "custom" in schema["components"]["schemas"][component]["properties"]
        params = {p["name"] for p in collection["get"]["parameters"]}
        assert {"page", "page_size", "search", "ordering", "filter"} <= params


def test_schema_lists_every_setup_entity(schema):
    for segment, _viewset, _basename in SETUP_ENDPOINTS:
        assert f"/api/v1/setup/{segment}/" in schema["paths"], segment
    assert {"get", "patch", "put"} <= set(schema["paths"]["/api/v1/setup/company/"])
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/tokens/"])
    for name in (
        "User",
        "Role",
        "Profile",
        "PublicGroup",
        "Queue",
        "OrgDefault",
        "SharingRule",
        "CustomField",
        "PicklistValue",
        "PageLayout",
        "Company",
    ):
        assert name in schema["components"]["schemas"], name


def test_component_names_are_stable_and_unique(schema):
    names = list(schema["components"]["schemas"])
    assert len(names) == len(set(names))
    # Hash-suffixed names (drf-spectacular's fallback for collisions) would change between runs.
    assert not [n for n in names if any(ch.isdigit() for ch in n)]


def test_custom_fields_appear_typed_in_the_schema(db):
    CustomField.objects.create(object_name="lead", name="score", label="Score", field_type="number")
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    custom = schema["components"]["schemas"]["Lead"]["properties"]["custom"]
    assert custom["properties"]["score"]["type"] == "number"
