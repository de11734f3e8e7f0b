"""Every registered object through the API: CRUD, the outsider's 404s, visibility of lists."""

import pytest

from tandem.core import registry
from tests.api.conftest import (
    detail_url,
    list_url,
    object_ids,
    sample_payload,
    text_field,
)


def _obj(name):
    return registry.get(name)


def _create(client, obj, variant=0, **extra):
    response = client.post(list_url(obj), {**sample_payload(obj, variant), **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.parametrize("name", object_ids())
def test_crud_for_every_object(name, org, api):
    obj = _obj(name)
    field = text_field(obj)

    created = _create(api.owner, obj)
    pk = created["id"]
    assert created["owner"] == org.owner.pk
    assert created["created_by"] == org.owner.pk
    assert obj.model.objects.unrestricted().filter(pk=pk).exists()

    response = api.owner.get(detail_url(obj, pk))
    assert response.status_code == 200
    assert response.json()[field] == created[field]

    response = api.owner.patch(detail_url(obj, pk), {field: "Patched value"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()[field] == "Patched value"
    assert getattr(obj.model.objects.unrestricted().get(pk=pk), field) == "Patched value"

    payload = {**sample_payload(obj, 1), field: "Put value"}
    response = api.owner.put(detail_url(obj, pk), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()[field] == "Put value"

    listed = api.owner.get(list_url(obj)).json()["results"]
    assert [row["id"] for row in listed] == [pk]

    response = api.owner.delete(detail_url(obj, pk))
    assert response.status_code == 204
    assert not obj.model.objects.unrestricted().filter(pk=pk).exists()
    assert api.owner.get(detail_url(obj, pk)).status_code == 404


@pytest.mark.parametrize("name", object_ids())
def test_outsider_gets_404_on_every_object(name, org, api):
    obj = _obj(name)
    field = text_field(obj)
    created = _create(api.owner, obj)
    url = detail_url(obj, created["id"])
    missing = api.outsider.get(detail_url(obj, 999_999))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert api.outsider.get(detail_url(obj, "not-a-number")).json() == missing.json()

    for response in (
        api.outsider.get(url),
        api.outsider.patch(url, {field: "Hijacked"}, format="json"),
        api.outsider.put(url, {**sample_payload(obj), field: "Hijacked"}, format="json"),
        api.outsider.delete(url),
        api.outsider.post(url + "change-owner/", {"owner": org.outsider.pk}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()

    record = obj.model.objects.unrestricted().get(pk=created["id"])
    assert getattr(record, field) == created[field]
    assert record.owner_id == org.owner.pk
    assert api.outsider.get(list_url(obj)).json()["results"] == []


@pytest.mark.parametrize("name", object_ids())
def test_list_returns_only_visible_rows(name, org, api):
    obj = _obj(name)
    mine = _create(api.owner, obj)["id"]
    theirs = _create(api.outsider, obj, 1)["id"]

    def ids(client):
        return {row["id"] for row in client.get(list_url(obj)).json()["results"]}

    assert ids(api.owner) == {mine}
    assert ids(api.outsider) == {theirs}
    assert ids(api.teammate) == set()  # same role, private default
    assert ids(api.manager) == {mine}  # above the owner in the hierarchy
    assert ids(api.ceo) == {mine, theirs}
    assert ids(api.admin) == {mine, theirs}


@pytest.mark.parametrize("name", object_ids())
def test_bad_input_names_the_field_and_writes_nothing(name, org, api):
    obj = _obj(name)
    field = text_field(obj)
    spec_length = obj.model._meta.get_field(field).max_length
    before = obj.model.objects.unrestricted().count()
    payload = {**sample_payload(obj), field: "x" * ((spec_length or 255) + 1)}
    if spec_length is None:
        payload = {**sample_payload(obj), "owner": 999_999}
        field = "owner"
    response = api.owner.post(list_url(obj), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert obj.model.objects.unrestricted().count() == before

    response = api.owner.post(list_url(obj), {"custom": "not an object"}, format="json")
    assert response.status_code == 400
    assert "custom" in response.json()["errors"]
    assert obj.model.objects.unrestricted().count() == before


@pytest.mark.parametrize("name", object_ids())
def test_change_owner_endpoint(name, org, api):
    obj = _obj(name)
    pk = _create(api.owner, obj)["id"]
    response = api.owner.post(
        detail_url(obj, pk) + "change-owner/", {"owner": org.teammate.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner"] == org.teammate.pk
    assert api.teammate.get(detail_url(obj, pk)).status_code == 200
    assert api.owner.get(detail_url(obj, pk)).status_code == 404  # private: the old owner lost it
