"""Send Email from a record: one Outbox entry, one copy in the activity history, door rules."""

import pytest
from django.core import mail
from django.urls import reverse

from tandem.access.models import Profile
from tandem.activities.models import Task
from tandem.messaging.models import EmailTemplate, OutboundEmail
from tandem.sales.models import Contact
from tests import factories as f


@pytest.fixture
def outbox_mail(settings):
    settings.EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
    settings.TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def post(user, record, **data):
        client.force_login(user)
        url = reverse("email_send", args=[record.object_def.name, record.pk])
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


def _records(org):
    account = f.account(org.owner, name="Acme")
    contact = f.contact(org.owner, account, first_name="Ada", email="ada@acme.example")
    f.contact(org.owner, account, first_name="Bob", email="bob@acme.example")
    return {
        "lead": f.lead(org.owner, first_name="Lea", email="lea@lead.example"),
        "contact": contact,
        "account": account,
        "opportunity": f.opportunity(org.owner, account, name="Acme deal"),
    }


@pytest.mark.parametrize("kind", ["lead", "contact", "account", "opportunity"])
def test_sending_from_each_object_keeps_one_email_and_one_copy(
    org, outbox_mail, send, client, kind
):
    record = _records(org)[kind]
    data = {"subject": "Our offer", "body": "Hello, here it is.", "cc": "boss@example.com"}
    if kind in ("lead", "contact"):
        data["to"] = record.email
    else:
        ada = Contact.objects.unrestricted().get(first_name="Ada")
        data["to_contacts"] = [str(ada.pk)]
        data["to"] = "extra@example.com"
    response = send(org.owner, record, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    email = OutboundEmail.objects.get()
    task = Task.objects.unrestricted().get()
    assert email.status == "sent" and email.activity_id == task.pk and email.sent_by == org.owner
    assert (email.object_name, email.record_id) == (kind, record.pk)
    assert email.cc == ["boss@example.com"]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Our offer"
    assert (task.subject, task.task_type, task.owner) == ("Email: Our offer", "Email", org.owner)
    assert task.completed_at is not None and "Hello, here it is." in task.description
    assert getattr(task, f"{kind}_id") == record.pk
    if kind in ("contact", "opportunity"):
        assert task.account_id == record.account_id
    else:
        assert "extra@example.com" in email.to or kind == "lead"
    # The copy shows in the record's activity history, as an email with a link to it.
    detail = client.get(record.get_absolute_url()).content.decode()
    assert "Email: Our offer" in detail and "bi-envelope" in detail
    assert reverse("email_sent", args=[task.pk]) in detail
    shown = client.get(reverse("email_sent", args=[task.pk])).content.decode()
    assert "Hello, here it is." in shown and "boss@example.com" in shown


def test_account_recipients_are_its_contacts_with_an_email(org, client):
    account = f.account(org.owner, name="Acme")
    f.contact(org.owner, account, first_name="Ada", email="ada@acme.example")
    f.contact(org.owner, account, first_name="Noemail", email="")
    f.contact(org.owner, f.account(org.owner), first_name="Elsewhere", email="else@other.example")
    deal = f.opportunity(org.owner, account)
    client.force_login(org.owner)
    for record in (account, deal):
        page = client.get(reverse("email_send", args=[record.object_def.name, record.pk]))
        text = page.content.decode()
        assert "ada@acme.example" in text
        assert "Noemail" not in text and "else@other.example" not in text


def test_the_template_fills_subject_and_bodies_merged_with_the_record(org, client):
    account = f.account(org.owner, name="Acme")
    contact = f.contact(org.owner, account, first_name="", last_name="Q", email="q@acme.example")
    tpl = EmailTemplate.objects.create(
        name="Intro",
        object_name="contact",
        subject='Hello {{Contact.FirstName|"friend"}} at {{Contact.Account.Name}}',
        body="Regards, {{User.FirstName}}",
        html_body="<p>{{Contact.LastName}} &amp; {{Contact.Account.Name}}</p>",
    )
    client.force_login(org.owner)
    form = client.get(reverse("email_send", args=["contact", contact.pk])).content.decode()
    assert "Intro" in form and 'value="q@acme.example"' in form
    filled = client.get(
        reverse("email_send_template", args=["contact", contact.pk]), {"template": tpl.pk}
    ).content.decode()
    assert 'value="Hello friend at Acme"' in filled
    assert "Regards, Test" in filled and "&lt;p&gt;Q &amp;amp; Acme&lt;/p&gt;" in filled


def test_templates_offered_are_shared_or_mine_active_and_of_this_record(org, client):
    contact = f.contact(org.owner)
    EmailTemplate.objects.create(name="Lead only", object_name="lead", subject="x", body="x")
    EmailTemplate.objects.create(
        name="Inactive", object_name="contact", subject="x", body="x", is_active=False
    )
    EmailTemplate.objects.create(
        name="Someone's private",
        object_name="contact",
        subject="x",
        body="x",
        is_shared=False,
        owner=org.teammate,
    )
    EmailTemplate.objects.create(name="Generic", subject="x", body="x")
    client.force_login(org.owner)
    page = client.get(reverse("email_send", args=["contact", contact.pk])).content.decode()
    assert "Generic" in page
    assert (
        "Lead only" not in page and "Inactive" not in page and "Someone&#x27;s private" not in page
    )
    hidden = EmailTemplate.objects.get(name="Lead only")
    url = reverse("email_send_template", args=["contact", contact.pk])
    assert client.get(url, {"template": hidden.pk}).status_code == 404


def test_a_user_who_cannot_see_the_record_gets_404(org, outbox_mail, send, client):
    contact = f.contact(org.owner, email="ada@example.com")
    response = send(org.outsider, contact, to="ada@example.com", subject="Hi", body="x")
    assert response.status_code == 404
    client.force_login(org.outsider)
    assert client.get(reverse("email_send", args=["contact", contact.pk])).status_code == 404
    url = reverse("email_send_template", args=["contact", contact.pk])
    assert client.get(url).status_code == 404
    assert not OutboundEmail.objects.exists() and not Task.objects.unrestricted().exists()


def test_the_sent_email_page_follows_the_activity(org, outbox_mail, send, client):
    contact = f.contact(org.owner, email="ada@example.com")
    send(org.owner, contact, to="ada@example.com", subject="Private", body="x")
    task = Task.objects.unrestricted().get()
    client.force_login(org.outsider)
    assert client.get(reverse("email_sent", args=[task.pk])).status_code == 404
    client.force_login(org.manager)
    assert client.get(reverse("email_sent", args=[task.pk])).status_code == 200


def test_bad_addresses_are_named_at_the_field_and_nothing_is_sent(org, outbox_mail, send):
    contact = f.contact(org.owner, email="ada@example.com")
    response = send(
        org.owner,
        contact,
        to="ada@example.com, not-an-address",
        subject="Hi",
        body="x",
        bcc="also bad",
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "not-an-address" in form.errors["to"][0] and "also" in form.errors["bcc"][0]
    response = send(org.owner, contact, to="", subject="", body="")
    form = response.context["form"]
    assert form.errors["to"] and form.errors["subject"] and form.errors["body"]
    assert not OutboundEmail.objects.exists() and not Task.objects.unrestricted().exists()


def test_without_task_create_permission_nothing_is_sent(org, outbox_mail, send):
    standard = Profile.objects.get(name="Standard User")
    Profile.objects.create(
        name="No Tasks",
        object_permissions={**standard.object_permissions, "task": {"read": True}},
    )
    rep = f.user("notasks@example.com", profile_name="No Tasks", role=org.rep_role)
    contact = f.contact(rep, email="ada@example.com")
    response = send(rep, contact, to="ada@example.com", subject="Hi", body="x")
    assert response.status_code == 400
    assert "permission to create tasks" in response.content.decode()
    assert not OutboundEmail.objects.exists() and not Task.objects.unrestricted().exists()
    assert len(mail.outbox) == 0


def test_html_only_email_keeps_a_readable_copy(org, outbox_mail, send):
    contact = f.contact(org.owner, email="ada@example.com")
    send(
        org.owner,
        contact,
        to="ada@example.com",
        subject="News",
        body="",
        html_body="<h1>Big</h1><p>news</p>",
    )
    email = OutboundEmail.objects.get()
    assert email.html_body == "<h1>Big</h1><p>news</p>" and "Big" in email.body
    assert "<h1>" not in Task.objects.unrestricted().get().description


def test_an_edited_message_is_not_hidden_behind_the_templates_html(org, outbox_mail, send):
    contact = f.contact(org.owner, first_name="Ada", email="ada@example.com")
    tpl = EmailTemplate.objects.create(
        name="T",
        object_name="contact",
        subject="Hi",
        body="Hi {{Contact.FirstName}}",
        html_body="<p>Hi {{Contact.FirstName}}</p>",
    )
    common = {"to": "ada@example.com", "subject": "Hi", "template": str(tpl.pk)}
    send(org.owner, contact, body="Hi Ada", html_body="<p>Hi Ada</p>", **common)
    send(org.owner, contact, body="Hi Ada, one more thing", html_body="<p>Hi Ada</p>", **common)
    send(org.owner, contact, body="Hi Ada, edited", html_body="<p>Hi Ada, edited</p>", **common)
    untouched, text_edited, both_edited = OutboundEmail.objects.order_by("id")
    assert untouched.html_body == "<p>Hi Ada</p>"
    assert text_edited.html_body == "" and text_edited.body == "Hi Ada, one more thing"
    assert both_edited.html_body == "<p>Hi Ada, edited</p>"
