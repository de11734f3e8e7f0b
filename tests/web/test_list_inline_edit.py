"""Inline edit of a list cell: offered only where the user may edit, saved like the form."""

from django.urls import reverse

from tandem.access.models import READ, READ_WRITE, TARGET_USER, RecordShare
from tandem.core.models import CustomField, FieldHistory
from tandem.sales.models import Lead
from tests import factories as f

LIST = reverse("record_list", args=["leads"])


def cell(lead, field):
    return reverse("list_cell_edit", args=["leads", lead.pk, field])


def share(lead, user, level):
    RecordShare.objects.create(
        object_name="lead",
        record_id=lead.pk,
        target_kind=TARGET_USER,
        target_id=user.pk,
        access_level=level,
    )


def editable_cells(client):
    """{(lead pk, field): editable} for the rows on the Leads list."""
    table = client.get(LIST).context["table"]
    return {(row.pk, spec.name): editable for row, cells in table for spec, _v, editable in cells}


def test_pencil_only_where_the_user_may_edit(client, org):
    mine = f.lead(org.owner, company="Mine Ltd")
    read_only = f.lead(org.teammate, company="Theirs Ltd")
    writable = f.lead(org.teammate, company="Shared Ltd")
    share(read_only, org.owner, READ)
    share(writable, org.owner, READ_WRITE)
    client.force_login(org.owner)
    cells = editable_cells(client)
    assert cells[(mine.pk, "company")] and cells[(writable.pk, "company")]
    assert not cells[(read_only.pk, "company")]
    assert not cells[(mine.pk, "owner")]  # owners change through Change Owner
    assert not cells[(mine.pk, "last_name")]  # the first column is the link to the record
    page = client.get(LIST).content.decode()
    assert cell(mine, "company") in page and cell(read_only, "company") not in page


def test_owner_edits_a_cell(client, org):
    lead = f.lead(org.owner, company="Old Co")
    client.force_login(org.owner)
    response = client.get(cell(lead, "company"))
    assert response.status_code == 200
    assert (
        'name="company"' in response.content.decode() and "autofocus" in response.content.decode()
    )
    response = client.post(cell(lead, "company"), {"company": "New Co"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "New Co" in body and 'name="company"' not in body
    lead.refresh_from_db()
    assert lead.company == "New Co" and lead.updated_by == org.owner
    assert FieldHistory.objects.filter(
        record_id=lead.pk, field_name="company", new_value="New Co"
    ).exists()


def test_escape_shows_the_value_again(client, org):
    lead = f.lead(org.owner, company="Kept Co")
    client.force_login(org.owner)
    response = client.get(cell(lead, "company") + "?show=1")
    assert "Kept Co" in response.content.decode() and "<input" not in response.content.decode()


def test_errors_are_shown_at_the_cell_and_nothing_is_written(client, org):
    lead = f.lead(org.owner, company="Stay Co", email="a@example.com")
    client.force_login(org.owner)
    response = client.post(cell(lead, "email"), {"email": "not-an-email"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a valid email address." in body and 'name="email"' in body
    response = client.post(cell(lead, "company"), {"company": ""})
    assert "This field is required." in response.content.decode()
    lead.refresh_from_db()
    assert lead.email == "a@example.com" and lead.company == "Stay Co"


def test_custom_field_cell(client, org):
    CustomField.objects.create(object_name="lead", name="score", label="Score", field_type="number")
    lead = f.lead(org.owner)
    client.force_login(org.owner)
    assert client.post(cell(lead, "custom.score"), {"custom__score": "abc"}).status_code == 200
    lead.refresh_from_db()
    assert "score" not in lead.custom
    client.post(cell(lead, "custom.score"), {"custom__score": "42"})
    lead.refresh_from_db()
    assert lead.custom["score"] == 42


def test_without_edit_access_the_cell_is_refused_and_nothing_written(client, org):
    lead = f.lead(org.owner, company="Safe Co")
    share(lead, org.teammate, READ)
    for who in (org.teammate, org.outsider):  # may read it / may not even see it
        client.force_login(who)
        assert client.get(cell(lead, "company")).status_code == 404
        assert client.post(cell(lead, "company"), {"company": "Hacked"}).status_code == 404
    lead.refresh_from_db()
    assert lead.company == "Safe Co"
    assert not FieldHistory.objects.filter(record_id=lead.pk, field_name="company").exists()


def test_read_only_fields_and_converted_leads_are_refused(client, org):
    lead = f.lead(org.owner, company="Fixed Co")
    client.force_login(org.owner)
    for field in ("created_at", "owner", "is_converted", "no_such_field"):
        assert client.post(cell(lead, field), {field: "x"}).status_code == 404, field
    Lead.objects.unrestricted().filter(pk=lead.pk).update(is_converted=True)
    assert client.post(cell(lead, "company"), {"company": "Changed"}).status_code == 404
    lead.refresh_from_db()
    assert lead.company == "Fixed Co"
