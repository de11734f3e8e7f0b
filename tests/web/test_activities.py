"""Log a Call and one-click task completion from a record page."""

from django.urls import reverse

from tandem.activities.models import Task
from tests import factories as f


def test_log_a_call_from_a_contact_page(client, org):
    account = f.account(org.owner)
    contact = f.contact(org.owner, account)
    client.force_login(org.owner)
    response = client.post(reverse("record_log_call", args=["contacts", contact.pk]), {"subject": "Discussed pricing", "comments": "Wants a quote"})
    assert response.status_code == 302
    task = Task.objects.unrestricted().get()
    assert (task.subject, task.task_type, task.status, task.contact, task.account) == (
        "Discussed pricing", "Call", "Completed", contact, account,
    )
    assert task.completed_at is not None
    assert "Discussed pricing" in client.get(contact.get_absolute_url()).content.decode()


def test_log_call_needs_a_subject_and_writes_nothing_without(client, org):
    lead = f.lead(org.owner)
    client.force_login(org.owner)
    page = client.post(reverse("record_log_call", args=["leads", lead.pk]), {"subject": " "}, follow=True)
    assert "Enter what the call was about" in page.content.decode()
    assert not Task.objects.unrestricted().exists()


def test_outsider_cannot_log_a_call(client, org):
    lead = f.lead(org.owner)
    client.force_login(org.outsider)
    assert client.post(reverse("record_log_call", args=["leads", lead.pk]), {"subject": "x"}).status_code == 404


def test_complete_a_task_in_one_click(client, org):
    lead = f.lead(org.owner)
    task = Task.objects.create(owner=org.owner, subject="Send brochure", status="Not Started", priority="Normal", lead=lead)
    client.force_login(org.owner)
    assert "Complete" in client.get(lead.get_absolute_url()).content.decode()
    client.post(reverse("task_complete", args=[task.pk]), {"next": lead.get_absolute_url()})
    task.refresh_from_db()
    assert task.status == "Completed" and task.completed_at is not None
    client.force_login(org.outsider)
    assert client.post(reverse("task_complete", args=[task.pk])).status_code == 404


def test_event_ending_before_it_starts_is_refused_at_the_end_field(client, org):
    client.force_login(org.owner)
    response = client.post(
        reverse("record_create", args=["events"]),
        {"subject": "Demo", "start": "2026-05-02T10:00", "end": "2026-05-02T09:00"},
    )
    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    from tandem.activities.models import Event

    assert not Event.objects.unrestricted().exists()
