"""Setup › Email Templates: create, edit, clone, delete, preview; notification emails; preferences."""

from django.urls import reverse

from tandem.calendar_app.models import EmailPreference
from tandem.messaging.models import EmailTemplate, NotificationTemplate
from tandem.messaging.notify import email_user
from tests import factories as f


def _data(**kw):
    data = {
        "name": "Follow-up",
        "description": "After a first call",
        "object_name": "contact",
        "subject": 'Hello {{Contact.FirstName|"there"}}',
        "body": "Nice talking to you about {{Contact.Account.Name}}.\n{{User.FirstName}}",
        "html_body": "<p>Hello {{Contact.FirstName}}</p>",
        "is_active": "on",
        "is_shared": "on",
    }
    data.update(kw)
    return data


def test_only_administrators_enter(org, client):
    tpl = EmailTemplate.objects.create(name="T", subject="s", body="b")
    client.force_login(org.owner)
    for url in (
        reverse("email_templates"),
        reverse("email_template_add"),
        reverse("email_template", args=[tpl.pk]),
        reverse("email_template_preview", args=[tpl.pk]),
        reverse("notification_template", args=["record_assigned"]),
    ):
        assert client.get(url).status_code == 404, url


def test_create_edit_clone_delete(org, client):
    client.force_login(org.admin)
    response = client.post(reverse("email_template_add"), _data())
    assert response.status_code == 302
    tpl = EmailTemplate.objects.get(name="Follow-up")
    assert tpl.owner == org.admin and tpl.object_name == "contact" and tpl.is_shared
    listing = client.get(reverse("email_templates")).content.decode()
    assert "Follow-up" in listing and "After a first call" in listing
    client.post(reverse("email_template", args=[tpl.pk]), _data(name="Follow-up v2"))
    tpl.refresh_from_db()
    assert tpl.name == "Follow-up v2"
    client.post(reverse("email_template_clone", args=[tpl.pk]))
    clone = EmailTemplate.objects.get(name__startswith="Copy of")
    assert clone.name == "Copy of Follow-up v2" and clone.body == tpl.body
    client.post(reverse("email_template_delete", args=[clone.pk]))
    assert not EmailTemplate.objects.filter(pk=clone.pk).exists()
    assert EmailTemplate.objects.filter(pk=tpl.pk).exists()


def test_unknown_merge_field_is_an_error_at_its_field(org, client):
    client.force_login(org.admin)
    response = client.post(
        reverse("email_template_add"),
        _data(
            subject="Hi {{Contact.Nickname}}",
            html_body="<p>{{ user.password }}</p>",
            body="{% load x %}",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Contact.Nickname" in errors["subject"][0]
    assert "user.password" in errors["html_body"][0]
    assert "{% load x %}" in errors["body"][0]
    assert not EmailTemplate.objects.filter(name="Follow-up").exists()
    # A field of another object is unknown too: a lead template cannot use contact fields.
    response = client.post(reverse("email_template_add"), _data(object_name="lead"))
    assert "Contact.FirstName" in response.context["form"].errors["subject"][0]


def test_form_offers_the_merge_field_picker(org, client):
    client.force_login(org.admin)
    page = client.get(reverse("email_template_add")).content.decode()
    for token in (
        "Contact.Account.Name",
        "Opportunity.Account.Name",
        "Lead.Company",
        "User.FirstName",
    ):
        assert token in page


def test_preview_against_a_record_the_admin_can_see(org, client):
    account = f.account(org.owner, name="Acme <Corp>")
    contact = f.contact(org.owner, account, first_name="Ada")
    tpl = EmailTemplate.objects.create(
        name="T",
        object_name="contact",
        subject="Hi {{Contact.FirstName}}",
        body="{{Contact.Account.Name}}",
        html_body="<b>{{Contact.Account.Name}}</b>",
    )
    client.force_login(org.admin)
    url = reverse("email_template_preview", args=[tpl.pk])
    page = client.get(url, {"record": contact.pk}).content.decode()
    assert "Hi Ada" in page
    # In the sandboxed iframe's srcdoc, the escaped value is escaped once more for the attribute.
    assert 'sandbox=""' in page and "&lt;b&gt;Acme &amp;lt;Corp&amp;gt;&lt;/b&gt;" in page
    assert client.get(url, {"record": 999999}).status_code == 404


def test_notification_templates_are_listed_and_editable(org, client):
    client.force_login(org.admin)
    listing = client.get(reverse("email_templates")).content.decode()
    for name in (
        "Record assigned to you",
        "Reminder",
        "Mentioned in a post",
        "Partner portal welcome",
    ):
        assert name in listing
    url = reverse("notification_template", args=["mention"])
    form = client.get(url).content.decode()
    # Named as the list names it, never by its internal key.
    assert "Edit notification email “Mentioned in a post”" in form and "“mention”" not in form
    response = client.post(
        url, {"name": "Mention", "subject": "{{Sender.Name}} needs you", "body": "{{Post.Text}}"}
    )
    assert response.status_code == 302
    assert NotificationTemplate.objects.get(key="mention").subject == "{{Sender.Name}} needs you"
    response = client.post(url, {"name": "Mention", "subject": "{{Lead.Company}}", "body": "x"})
    assert (
        response.status_code == 400
        and "Lead.Company" in response.context["form"].errors["subject"][0]
    )


def test_preferences_page_writes_every_kind(
    org, client, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(org.owner)
    page = client.get(reverse("email_preferences")).content.decode()
    assert "Mentions" in page and "Reminders" in page
    client.post(reverse("email_preferences"), {"assignment": "on"})
    assert EmailPreference.wants(org.owner, "assignment")
    assert not EmailPreference.wants(org.owner, "mention")
    assert not EmailPreference.wants(org.owner, "reminder")
    values = {
        "Sender.Name": "Bea",
        "Record.Name": "Acme",
        "Post.Body": "look",
        "Record.Type": "account",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert email_user(org.owner, "mention", values) is False
        assert email_user(org.teammate, "mention", values) is True
    assert [m.to for m in mailoutbox] == [["teammate@example.com"]]
    assert mailoutbox[0].subject == "Bea mentioned you on the account Acme"


def test_welcome_email_text_is_editable_but_keeps_the_password(org, client):
    from tandem.messaging.notify import render_notification

    client.force_login(org.admin)
    url = reverse("notification_template", args=["partner_welcome"])
    response = client.post(
        url, {"name": "Welcome", "subject": "Hi", "body": "Come in: {{Portal.Link}}"}
    )
    assert response.status_code == 400
    assert "User.TemporaryPassword" in response.context["form"].errors["body"][0]
    body = "Bienvenue {{User.FirstName}}! {{Portal.Link}} / {{User.TemporaryPassword}}"
    response = client.post(
        url, {"name": "Welcome", "subject": "{{Program.WelcomeSubject}}", "body": body}
    )
    assert response.status_code == 302
    subject, text = render_notification(
        "partner_welcome",
        {
            "Program.WelcomeSubject": "Welcome to Acme",
            "User.FirstName": "Pat",
            "Portal.Link": "https://crm/portal/",
            "User.TemporaryPassword": "s3cret",
        },
    )
    assert (subject, text) == ("Welcome to Acme", "Bienvenue Pat! https://crm/portal/ / s3cret")


def test_sample_templates_use_only_known_merge_fields(db):
    from tandem.messaging.merge import problems
    from tandem.messaging.merge_fields import known_tokens

    samples = list(EmailTemplate.objects.all())
    assert {t.object_name for t in samples} >= {"lead", "contact", "opportunity"}
    for t in samples:
        known = known_tokens(t.object_name)
        assert (
            problems(t.subject, known) + problems(t.body, known) + problems(t.html_body, known)
            == []
        )
