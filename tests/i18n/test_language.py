"""Tandem answers in the user's language: their own, else the company's (Setup → Company Profile)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tandem.api.tokens import issue_token
from tandem.core.models import Company
from tandem.sales.models import Lead
from tests import factories as f


@pytest.fixture
def italian(db):
    company = Company.current()
    company.language = "it"
    company.save()
    return company


def test_leads_list_in_the_company_language(client, org, italian):
    f.lead(org.owner, last_name="Rossi", company="Ferrari SpA")
    client.force_login(org.owner)
    page = client.get(reverse("record_list", args=["leads"])).content.decode()
    assert '<html lang="it">' in page
    assert "Rossi" in page
    for italian_text in (
        "Cognome",
        "Azienda",
        "Titolare",
        "Cerca in questo elenco",
        "Elementi recenti",
    ):
        assert italian_text in page, italian_text
    assert "Search this list" not in page


def test_form_error_names_the_field_in_italian(client, org, italian):
    client.force_login(org.owner)
    response = client.post(reverse("record_create", args=["leads"]), {"company": "Ferrari SpA"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Cognome" in page  # the field's label
    assert "Questo campo è obbligatorio." in page
    assert 'id="id_last_name-errors"' in page
    assert not Lead.objects.unrestricted().filter(company="Ferrari SpA").exists()


def test_api_validation_error_in_italian(org, italian):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer " + issue_token(org.owner, name="tests"))
    response = api.post("/api/v1/leads/", {"company": "Ferrari SpA"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "last_name" in errors
    message = " ".join(errors["last_name"])
    assert "obbligatorio" in message.lower(), message
    assert "required" not in message.lower()


def test_api_not_found_in_italian(org, italian):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer " + issue_token(org.owner, name="tests"))
    response = api.get("/api/v1/leads/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Non trovato."}


def test_setup_pages_in_italian(client, org, italian):
    client.force_login(org.admin)
    page = client.get(reverse("setup:company")).content.decode()
    assert "Lingua predefinita" in page
    assert "Imposta" in page


def test_the_users_own_language_wins_over_the_company(client, org, italian):
    org.owner.language = "pt-br"
    org.owner.save()
    client.force_login(org.owner)
    page = client.get(reverse("record_list", args=["leads"])).content.decode()
    assert "Pesquisar nesta lista" in page
    assert "Cerca in questo elenco" not in page


def test_the_company_language_wins_over_the_browser(client, org):
    company = Company.current()
    company.language = "en"
    company.save()
    client.force_login(org.owner)
    page = client.get(
        reverse("record_list", args=["leads"]), HTTP_ACCEPT_LANGUAGE="it"
    ).content.decode()
    assert "Search this list" in page


def test_login_page_in_the_company_language(client, italian):
    page = client.get(reverse("login")).content.decode()
    assert "Accedi a Tandem" in page
    assert "Password dimenticata?" in page


def test_company_profile_offers_every_shipped_language(client, org):
    client.force_login(org.admin)
    page = client.get(reverse("setup:company")).content.decode()
    for code, name in (
        ("it", "Italiano"),
        ("pt-br", "Português (Brasil)"),
        ("zh-hans", "简体中文"),
    ):
        assert f'value="{code}"' in page and name in page, code
