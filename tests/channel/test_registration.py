"""Deal registration: partners register, Tandem flags conflicts, the channel manager decides."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.channel import conflicts as c
from tandem.channel.actions import approve_registration, register_deal, reject_registration
from tandem.channel.models import DealRegistration
from tandem.core.actions import NotVisible
from tandem.messaging.models import Notification
from tandem.sales.models import Account, Opportunity
from tests import factories as f
from tests.partners.conftest import fresh

SOON = datetime.date.today() + datetime.timedelta(days=45)


def deal(**kw):
    values = {
        "company": "Acme Widgets",
        "contact_name": "Wile Coyote",
        "contact_email": "wile@acme.example",
        "product_interest": "Rocket skates",
        "expected_amount": "12500.00",
        "expected_close_date": SOON,
        "notes": "Met at the trade show.",
    }
    values.update(kw)
    return values


def kinds(registration):
    return {(x["kind"], x["object_name"], x["record_id"]) for x in registration.conflicts}


def test_no_conflicts_for_a_new_company(channel):
    registration = register_deal(fresh(channel.north), deal())
    assert registration.conflicts == []
    assert registration.status == DealRegistration.PENDING
    assert registration.partner_account == channel.north_account
    note = Notification.objects.get(user=channel.manager, kind="deal_registration")
    assert "Acme Widgets" in note.title
    assert note.url == reverse("channel:registration_review", args=[registration.pk])


def test_conflict_with_an_account_of_the_same_name_ignoring_case_and_spaces(channel):
    account = f.account(channel.org.owner, name="ACME  widgets")
    registration = register_deal(fresh(channel.north), deal(company=" acme Widgets "))
    assert (c.ACCOUNT_NAME, "account", account.pk) in kinds(registration)


def test_conflict_with_an_account_of_the_email_domain(channel):
    by_contact = f.account(channel.org.owner, name="Totally Different Name")
    f.contact(channel.org.owner, by_contact, email="roadrunner@ACME.example")
    by_website = f.account(channel.org.owner, name="Other Name", website="https://www.acme.example")
    unrelated = f.account(channel.org.owner, name="Unrelated", website="https://other.example")
    registration = register_deal(fresh(channel.north), deal(company="New Name Inc"))
    found = kinds(registration)
    assert (c.ACCOUNT_DOMAIN, "account", by_contact.pk) in found
    assert (c.ACCOUNT_DOMAIN, "account", by_website.pk) in found
    assert not any(pk == unrelated.pk for _k, _o, pk in found)


def test_free_mail_domains_are_not_a_company(channel):
    account = f.account(channel.org.owner, name="Someone")
    f.contact(channel.org.owner, account, email="someone@gmail.com")
    registration = register_deal(
        fresh(channel.north), deal(company="Nobody Ltd", contact_email="wile@gmail.com")
    )
    assert registration.conflicts == []


def test_conflict_with_an_open_opportunity_at_a_matching_account(channel):
    account = f.account(channel.org.owner, name="Acme Widgets")
    open_opp = f.opportunity(channel.org.owner, account, name="Acme renewal", amount=1000)
    closed = f.opportunity(channel.org.owner, account, name="Old Acme deal", stage="Closed Won")
    Opportunity.objects.unrestricted().filter(pk=closed.pk).update(is_closed=True, is_won=True)
    registration = register_deal(fresh(channel.north), deal())
    found = kinds(registration)
    assert (c.OPPORTUNITY, "opportunity", open_opp.pk) in found
    assert not any(o == "opportunity" and pk == closed.pk for _k, o, pk in found)


def test_conflict_with_a_lead_of_the_same_email_or_company(channel):
    by_email = f.lead(channel.org.owner, company="Something Else", email="WILE@acme.example")
    by_company = f.lead(channel.org.owner, company="acme widgets", email="x@y.example")
    registration = register_deal(fresh(channel.north), deal())
    found = kinds(registration)
    assert (c.LEAD_EMAIL, "lead", by_email.pk) in found
    assert (c.LEAD_COMPANY, "lead", by_company.pk) in found


def test_register_from_the_portal_with_errors_at_the_field(client, channel):
    client.force_login(channel.north)
    assert client.get(reverse("channel:deal_register")).status_code == 200
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    bad = client.post(
        reverse("channel:deal_register"),
        deal(
            company="", contact_email="not-an-email", expected_amount="-5", expected_close_date=past
        ),
    )
    assert bad.status_code == 400
    form = bad.context["form"]
    assert set(form.errors) >= {
        "company",
        "contact_email",
        "expected_amount",
        "expected_close_date",
    }
    assert 'id="id_company-errors"' in bad.content.decode() or "errorlist" in bad.content.decode()
    assert not DealRegistration.objects.exists()

    data = deal()
    data["expected_close_date"] = SOON.isoformat()
    ok = client.post(reverse("channel:deal_register"), data)
    registration = DealRegistration.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse(
        "channel:deal_detail", args=[registration.pk]
    )
    assert registration.submitted_by == channel.north and registration.company_key == "acmewidgets"
    listing = client.get(reverse("channel:deal_list")).content.decode()
    assert "Acme Widgets" in listing and "Pending review" in listing


def test_action_refuses_past_close_dates_and_internal_users(channel):
    with pytest.raises(ValidationError) as exc:
        register_deal(
            fresh(channel.north),
            deal(expected_close_date=timezone.localdate() - datetime.timedelta(days=3)),
        )
    assert "expected_close_date" in exc.value.error_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register_deal(fresh(channel.manager), deal())
    assert not DealRegistration.objects.exists()


def test_manager_sees_pending_and_approves_a_protected_opportunity_owned_by_the_partner(
    client, channel
):
    registration = register_deal(fresh(channel.north), deal())
    client.force_login(channel.manager)
    listing = client.get(reverse("channel:registration_list")).content.decode()
    assert "Acme Widgets" in listing and "Northwind" in listing
    review = client.get(reverse("channel:registration_review", args=[registration.pk]))
    assert review.status_code == 200 and review.context["can_review"]

    bad = client.post(
        reverse("channel:registration_approve", args=[registration.pk]), {"protection_days": "-1"}
    )
    assert bad.status_code == 400 and "protection_days" in bad.context["approve_form"].errors
    assert not Opportunity.objects.unrestricted().exists()

    response = client.post(
        reverse("channel:registration_approve", args=[registration.pk]), {"protection_days": "60"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == DealRegistration.APPROVED
    assert registration.protected_until == timezone.localdate() + datetime.timedelta(days=60)
    assert registration.reviewed_by == channel.manager
    opp = registration.opportunity
    assert opp.owner == channel.north and opp.amount == registration.expected_amount
    assert opp.close_date == SOON and opp.name == "Acme Widgets - Rocket skates"
    assert opp.account.name == "Acme Widgets" and opp.account.owner == channel.north
    assert Notification.objects.filter(user=channel.north, kind="deal_registration").exists()
    # The decided registration shows the conflicts it was decided on, not the records it made.
    decided = client.get(reverse("channel:registration_review", args=[registration.pk]))
    assert decided.context["conflicts"] == [] and 'id="no-conflicts"' in decided.content.decode()
    # The partner sees it: in the portal and as an opportunity they own.
    client.force_login(channel.north)
    detail = client.get(reverse("channel:deal_detail", args=[registration.pk])).content.decode()
    assert "Approved" in detail and opp.get_absolute_url() in detail
    assert client.get(opp.get_absolute_url()).status_code == 200

    # Another partner registering the same company is flagged against the protected deal.
    other = register_deal(
        fresh(channel.blue), deal(company="acme WIDGETS", contact_email="bugs@looney.example")
    )
    assert (c.PROTECTED, "registration", registration.pk) in kinds(other)
    client.force_login(channel.manager)
    review = client.get(reverse("channel:registration_review", args=[other.pk])).content.decode()
    assert 'data-conflict="protected"' in review and "protected until" in review

    with pytest.raises(ValidationError, match="already reviewed"):
        approve_registration(fresh(channel.manager), registration.pk)


def test_approve_onto_a_chosen_existing_account(channel):
    account = f.account(channel.manager, name="Acme Widgets")
    registration = register_deal(fresh(channel.north), deal())
    approve_registration(
        fresh(channel.manager), registration.pk, account=account, protection_days=30
    )
    registration.refresh_from_db()
    assert registration.opportunity.account == account
    assert Account.objects.unrestricted().filter(name="Acme Widgets").count() == 1


def test_reject_needs_a_reason_and_the_partner_sees_it(client, channel):
    registration = register_deal(fresh(channel.north), deal())
    client.force_login(channel.manager)
    empty = client.post(
        reverse("channel:registration_reject", args=[registration.pk]), {"reason": "   "}
    )
    assert empty.status_code == 400 and "reason" in empty.context["reject_form"].errors
    registration.refresh_from_db()
    assert registration.status == DealRegistration.PENDING
    with pytest.raises(ValidationError) as exc:
        reject_registration(fresh(channel.manager), registration.pk, "")
    assert "reason" in exc.value.error_dict

    done = client.post(
        reverse("channel:registration_reject", args=[registration.pk]),
        {"reason": "Acme is already a direct customer of ours."},
    )
    assert done.status_code == 302
    registration.refresh_from_db()
    assert registration.status == DealRegistration.REJECTED and registration.opportunity is None

    client.force_login(channel.north)
    detail = client.get(reverse("channel:deal_detail", args=[registration.pk])).content.decode()
    assert "Rejected" in detail and "Acme is already a direct customer of ours." in detail
    listing = client.get(reverse("channel:deal_list")).content.decode()
    assert "Acme is already a direct customer" in listing


def test_another_partner_cannot_see_or_act_on_a_registration(client, channel):
    registration = register_deal(fresh(channel.north), deal())
    client.force_login(channel.blue)
    assert client.get(reverse("channel:deal_detail", args=[registration.pk])).status_code == 404
    assert "Acme" not in client.get(reverse("channel:deal_list")).content.decode()
    assert (
        client.get(reverse("channel:registration_review", args=[registration.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("channel:registration_approve", args=[registration.pk]), {"protection_days": 5}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("channel:registration_reject", args=[registration.pk]), {"reason": "mine"}
        ).status_code
        == 404
    )
    with pytest.raises(NotVisible):
        approve_registration(fresh(channel.blue), registration.pk)
    with pytest.raises(NotVisible):
        reject_registration(fresh(channel.blue), registration.pk, "mine")
    # The partner who registered cannot approve their own deal either.
    client.force_login(channel.north)
    assert (
        client.post(
            reverse("channel:registration_approve", args=[registration.pk]), {"protection_days": 5}
        ).status_code
        == 404
    )
    registration.refresh_from_db()
    assert registration.status == DealRegistration.PENDING


def test_internal_users_who_cannot_read_the_partner_account_get_404(client, channel):
    registration = register_deal(fresh(channel.north), deal())
    client.force_login(channel.org.outsider)
    assert (
        client.get(reverse("channel:registration_review", args=[registration.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("channel:registration_approve", args=[registration.pk]), {"protection_days": 5}
        ).status_code
        == 404
    )
    assert "Acme" not in client.get(reverse("channel:registration_list")).content.decode()
    with pytest.raises(NotVisible):
        approve_registration(fresh(channel.org.outsider), registration.pk)
