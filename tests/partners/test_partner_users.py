"""Enabling partner accounts and partner users, the welcome email and first login."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.access.door import can
from tandem.access.models import Role
from tandem.partners.actions import enable_partner_user
from tandem.partners.roles import partner_roles
from tandem.sales.models import Lead
from tests import factories as f
from tests.partners.conftest import fresh


def test_partner_roles_sit_under_the_channel_managers_role_and_follow_the_owner(channel):
    chain = partner_roles(channel.north_account)
    assert [r.name for r in chain] == [
        "Northwind Partner Executive", "Northwind Partner Manager", "Northwind Partner User",
    ]
    assert chain[0].parent == channel.channel_role and channel.north.role == chain[-1]
    from tandem.core.actions import change_owner

    change_owner(channel.org.admin, channel.north_account, new_owner=channel.org.owner)
    assert Role.objects.get(pk=chain[0].pk).parent == channel.org.rep_role


def test_enable_partner_user_through_the_page_sends_a_welcome_email_that_works(
    client, channel, django_capture_on_commit_callbacks
):
    contact = f.contact(channel.manager, channel.north_account, first_name="Ada", last_name="Lovelace", email="ada@northwind.example")
    client.force_login(channel.manager)
    page = client.get(reverse("partner_user_enable", args=[contact.pk]))
    assert page.status_code == 200 and "ada@northwind.example" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partner_user_enable", args=[contact.pk]),
            {"email": "ada@northwind.example", "first_name": "Ada", "last_name": "Lovelace",
             "profile": page.context["form"].initial["profile"].pk, "level": "Partner Manager"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@northwind.example"]
    body = mail.outbox[0].body
    assert "/portal/" in body and "ada@northwind.example" in body
    password = re.search(r"Temporary password: (\S+)", body).group(1)
    client.logout()
    assert client.post(reverse("login"), {"username": "ada@northwind.example", "password": password}).status_code == 302
    assert client.get(reverse("portal_home")).url == reverse("password_change")
    client.post(reverse("password_change"), {"old_password": password, "new_password1": "Partner-Secret-2026", "new_password2": "Partner-Secret-2026"})
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("portal_home")
    assert "Partner Portal" in home.content.decode()


@pytest.mark.parametrize("email,message", [("", "needs an email"), ("rep@northwind.example", "already used")])
def test_partner_user_without_email_or_with_a_used_email_is_refused(channel, email, message):
    contact = f.contact(channel.manager, channel.north_account, last_name="New")
    with pytest.raises(ValidationError) as exc:
        enable_partner_user(channel.manager, contact, email=email, first_name="N", last_name="New")
    assert message in str(exc.value)
    assert not hasattr(contact, "partner_user") or contact.partner_user is None


def test_disabling_a_partner_user_stops_their_login_at_once(client, channel):
    client.force_login(channel.north)
    assert client.get(reverse("portal_home")).status_code == 200
    manager_client = type(client)()
    manager_client.force_login(channel.manager)
    manager_client.post(reverse("partner_user_disable", args=[channel.north.contact_id]))
    assert client.get(reverse("portal_home")).status_code == 302
    assert not client.login(username=channel.north.email, password=f.PASSWORD)


def test_partners_never_see_another_partners_records(client, channel):
    theirs = f.lead(channel.blue, last_name="BluepeakOnly")
    north = fresh(channel.north)
    assert not can(north, "read", theirs)
    client.force_login(north)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert "BluepeakOnly" not in client.get(reverse("record_list", args=["leads"])).content.decode()
    assert not Lead.objects.visible_to(north).filter(pk=theirs.pk).exists()


def test_channel_manager_sees_partner_records_through_the_hierarchy(channel):
    lead = f.lead(channel.north)
    assert can(fresh(channel.manager), "edit", lead)
    assert not can(fresh(channel.org.owner), "read", lead)


def test_setup_pages_are_404_for_partners(client, channel):
    client.force_login(channel.north)
    for name in ("partner_settings", "partner_enable", "partner_claim_limits", "setup:home"):
        assert client.get(reverse(name)).status_code == 404, name
