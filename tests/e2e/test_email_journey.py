"""A rep emails a contact with a template; the copy is in the history and the admin's Outbox."""

import re

import pytest
from playwright.sync_api import expect

from tandem.messaging.models import EmailTemplate, OutboundEmail
from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def outbox_mail(settings):
    settings.EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_rep_sends_a_templated_email_and_admin_reads_it_in_the_outbox(browse, org, outbox_mail):
    account = f.account(org.owner, name="Analytical Engines")
    contact = f.contact(
        org.owner, account, first_name="Ada", last_name="Lovelace", email="ada@engines.example"
    )
    EmailTemplate.objects.create(
        name="Next steps",
        object_name="contact",
        subject='Next steps for {{Contact.Account.Name|"your team"}}',
        body="Dear {{Contact.FirstName}},\n\nThank you for your time.\n\n{{User.FirstName}}",
        html_body="<p>Dear {{Contact.FirstName}},</p><p>Thank you for your time.</p>",
    )

    page = browse.signed_in(org.owner)
    page.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Send Email").click()
    expect(page.get_by_role("heading", name="Send Email")).to_be_visible()
    expect(page.get_by_label("To", exact=True)).to_have_value("ada@engines.example")

    page.get_by_label("Template").select_option(label="Next steps")
    subject = page.get_by_label("Subject")
    expect(subject).to_have_value("Next steps for Analytical Engines")
    expect(page.get_by_label("Message")).to_have_value(re.compile(r"^Dear Ada,"))
    page.get_by_label("CC", exact=True).fill("manager@example.com")
    subject.fill("Next steps for Analytical Engines — revised")
    page.get_by_role("button", name="Send").click()

    expect(page).to_have_url(re.compile(rf"/contacts/{contact.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Email sent")
    entry = page.locator("#timeline [data-kind=email]")
    expect(entry).to_contain_text("Email: Next steps for Analytical Engines — revised")
    expect(entry.locator(".bi-envelope")).to_be_attached()
    entry.get_by_role("link", name="View email").click()
    expect(page.locator("#email-to")).to_have_text("ada@engines.example")
    expect(page.locator("#email-body")).to_contain_text("Thank you for your time.")

    email = OutboundEmail.objects.get()
    assert email.status == "sent" and email.cc == ["manager@example.com"]

    admin = browse.signed_in(org.admin)
    admin.goto("/setup/outbox/")
    row = admin.locator("#outbox tbody tr").first
    expect(row).to_contain_text("ada@engines.example")
    expect(row).to_contain_text("Sent")
    row.get_by_role("link", name="Next steps for Analytical Engines — revised").click()
    expect(admin.locator("#email-subject")).to_have_text(
        "Next steps for Analytical Engines — revised"
    )
    frame = admin.frame_locator("#email-html")
    expect(frame.locator("p").first).to_have_text("Dear Ada,")


def test_admin_writes_a_template_with_the_merge_field_picker(browse, org):
    page = browse.signed_in(org.admin)
    page.goto("/setup/email-templates/")
    page.get_by_role("link", name="New email template").click()
    page.get_by_label("Template name").fill("Welcome")
    page.get_by_label("Related object").select_option("contact")
    page.get_by_label("Subject").fill("Welcome {{Contact.Nickname}}")
    page.get_by_label("Text body").fill("Hello ")
    page.get_by_role("button", name="Save").click()
    # The unknown merge field is named at the subject.
    expect(page.get_by_text("Unknown merge field “{{Contact.Nickname}}”.")).to_be_visible()

    subject = page.get_by_label("Subject")
    subject.fill("Welcome ")
    subject.click()
    subject.press("End")
    picker = page.locator('select[data-picker="contact"]')
    expect(picker).to_be_visible()
    expect(page.locator('select[data-picker="lead"]')).to_be_hidden()
    picker.select_option("Contact.Account.Name")
    picker.locator("xpath=following-sibling::button").click()
    expect(subject).to_have_value("Welcome {{Contact.Account.Name}}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("was created")
    assert EmailTemplate.objects.get(name="Welcome").subject == "Welcome {{Contact.Account.Name}}"


def test_on_a_phone_the_outbox_shows_each_emails_subject_and_status(browse, org):
    OutboundEmail.objects.create(
        to=["a.very.long.address.for.a.phone@engines.example"],
        subject="Next steps",
        body="Hello",
        status="failed",
        last_error="Connection refused",
    )
    page = browse.signed_in(org.admin, viewport=PHONE)
    page.goto("/setup/outbox/")
    row = page.locator("#outbox tbody tr").first
    expect(row.get_by_role("link", name="Next steps")).to_be_in_viewport()
    expect(row.get_by_text("Failed", exact=True)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_choosing_a_template_asks_before_replacing_what_the_user_typed(browse, org):
    account = f.account(org.owner, name="Analytical Engines")
    contact = f.contact(org.owner, account, first_name="Ada", email="ada@engines.example")
    EmailTemplate.objects.create(
        name="Next steps",
        object_name="contact",
        subject="Next steps",
        body="Dear {{Contact.FirstName}}",
    )
    page = browse.signed_in(org.owner)
    page.goto(f"/email/send/contact/{contact.pk}/")
    page.get_by_label("Subject").fill("My own words")
    page.get_by_label("Message").fill("A long message I wrote myself.")

    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_label("Template").select_option(label="Next steps")
    expect(page.get_by_label("Subject")).to_have_value("My own words")
    expect(page.get_by_label("Template")).to_have_value("")
    assert asked and "What you typed is lost" in asked[0]

    page.once("dialog", lambda d: d.accept())
    page.get_by_label("Template").select_option(label="Next steps")
    expect(page.get_by_label("Subject")).to_have_value("Next steps")
    expect(page.get_by_label("Message")).to_have_value("Dear Ada")
