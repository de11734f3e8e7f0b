"""Bearer token authentication: what an integration sees with good, missing and dead tokens."""

from django.db import connection
from rest_framework.test import APIClient

from tandem.access.models import Profile, User
from tandem.api.models import ApiToken
from tandem.api.tokens import issue_token, revoke_token, revoke_user_tokens
from tests import factories as f
from tests.api.conftest import API, client_for


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_valid_token_reads_the_api(org):
    lead = f.lead(org.owner)
    token = issue_token(org.owner, name="laptop")
    response = bearer(token).get(f"{API}leads/{lead.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == lead.pk
    row = ApiToken.objects.get(user=org.owner)
    assert row.name == "laptop"
    assert row.last_used_at is not None


def test_only_a_hash_of_the_token_is_stored(org):
    token = issue_token(org.owner)
    row = ApiToken.objects.get(user=org.owner)
    assert token not in (row.key_hash, row.prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, prefix, name FROM api_apitoken")
        assert all(token not in str(value) for value in cursor.fetchone())


def test_missing_token_is_401_json(db):
    response = APIClient().get(f"{API}leads/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_and_malformed_tokens_are_401(org):
    issue_token(org.owner)
    assert bearer("tdm_not-a-real-token").get(f"{API}leads/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert client.get(f"{API}leads/").status_code == 401


def test_revoked_token_is_refused(org):
    token = issue_token(org.owner)
    assert bearer(token).get(f"{API}leads/").status_code == 200
    assert revoke_token(token) is True
    response = bearer(token).get(f"{API}leads/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert ApiToken.objects.get(user=org.owner).revoked is True


def test_revoking_all_tokens_of_a_user_keeps_others_working(org):
    mine, other = issue_token(org.owner), issue_token(org.teammate)
    assert revoke_user_tokens(org.owner) == 1
    assert bearer(mine).get(f"{API}leads/").status_code == 401
    assert bearer(other).get(f"{API}leads/").status_code == 200


def test_inactive_user_is_refused(org):
    token = issue_token(org.owner)
    User.objects.filter(pk=org.owner.pk).update(is_active=False)
    response = bearer(token).get(f"{API}leads/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_profile_without_api_access_gets_403(org):
    read_only = f.user(profile_name="Read Only")
    assert not Profile.objects.get(name="Read Only").has_system_permission("api_enabled")
    response = client_for(read_only).get(f"{API}leads/")
    assert response.status_code == 403
    assert "API" in response.json()["detail"]


def test_clients_manage_their_own_tokens(org, api):
    response = api.owner.post(f"{API}tokens/", {"name": "zapier"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "zapier" and body["token"].startswith(body["prefix"])
    new_client = bearer(body["token"])
    assert new_client.get(f"{API}leads/").status_code == 200

    listed = api.owner.get(f"{API}tokens/").json()["results"]
    assert {row["name"] for row in listed} == {"tests", "zapier"}
    assert all(row["token"] is None for row in listed)  # never shown again

    theirs = ApiToken.objects.filter(user=org.teammate).first()
    assert api.owner.delete(f"{API}tokens/{theirs.pk}/").status_code == 404
    assert api.owner.delete(f"{API}tokens/{body['id']}/").status_code == 204
    assert new_client.get(f"{API}leads/").status_code == 401
    assert api.teammate.get(f"{API}leads/").status_code == 200
