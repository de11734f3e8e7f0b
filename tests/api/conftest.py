"""API test helpers: clients that authenticate with real bearer tokens, and payloads from metadata."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tandem.api.tokens import issue_token
from tandem.core import registry
from tandem.core.fields import standard_fields
from tandem.core.models import PicklistValue

API = "/api/v1/"


def client_for(user) -> APIClient:
    """A client sending `Authorization: Bearer <token>` for `user`, as an integration would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + issue_token(user, name="tests"))
    return client


@pytest.fixture
def api(org):
    """Clients for every persona of the `org` fixture: api.owner, api.outsider, api.admin..."""

    class Clients:
        pass

    clients = Clients()
    for name in ("admin", "ceo", "manager", "owner", "teammate", "outsider"):
        setattr(clients, name, client_for(getattr(org, name)))
    return clients


def list_url(obj) -> str:
    return f"{API}{obj.slug}/"


def detail_url(obj, pk) -> str:
    return f"{API}{obj.slug}/{pk}/"


def sample_value(obj, spec, variant: int = 0):
    """A valid value for a field, chosen from its type (and picklist values) alone."""
    if spec.type == "picklist":
        values = list(
            PicklistValue.objects.filter(
                object_name=obj.name, field_name=spec.name, is_active=True
            ).values_list("value", flat=True)
        )
        return values[variant % len(values)]
    if spec.type == "email":
        return f"person{variant}@example.com"
    if spec.type == "url":
        return f"https://example.com/{variant}"
    if spec.type == "date":
        return (datetime.date.today() + datetime.timedelta(days=variant)).isoformat()
    if spec.type == "datetime":
        return (timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)).isoformat()
    if spec.type in ("number", "currency", "percent"):
        return str(10 + variant)
    if spec.type == "checkbox":
        return bool(variant % 2)
    return f"Sample {spec.name} {variant}"[: spec.max_length or 255]


def sample_payload(obj, variant: int = 0) -> dict:
    """The required editable standard fields of an object, filled with valid values."""
    return {
        spec.name: sample_value(obj, spec, variant)
        for spec in standard_fields(obj)
        if spec.editable and spec.required and spec.type not in ("lookup", "owner")
    }


def text_field(obj) -> str:
    """A text field every record of the object has: the first search field."""
    return obj.search_fields[0]


def all_objects():
    return registry.all_objects()


def object_ids():
    return [o.name for o in registry.all_objects()]
