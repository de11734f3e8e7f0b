"""vCard: download a contact through the door; import cards all or nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.calendar_app.vcard import contact_to_vcard, fold, parse, unescape
from tandem.core.models import FieldHistory
from tandem.sales.models import Contact
from tests import factories as f


def upload(client, text, name="cards.vcf"):
    return client.post(
        "/calendar/contacts/import/",
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/vcard")},
    )


def contacts(user):
    return Contact.objects.visible_to(user, "read")


def test_download_a_contact_as_vcard(client, org):
    acme = f.account(org.owner, name="Acme, Inc.")
    person = f.contact(
        org.owner,
        acme,
        first_name="Zoë",
        last_name="O'Brien; Jr",
        email="zoe@acme.example",
        phone="+1 555 0100",
        mobile_phone="+1 555 0199",
        title="Head of Purchasing",
        city="Milano",
        country="Italy",
        birthdate=datetime.date(1980, 2, 29),
        description="Met at the fair.\nLikes long calls, and short emails." * 3,
    )
    client.force_login(org.owner)
    response = client.get(f"/calendar/contacts/{person.pk}.vcf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cards, errors = parse(text)
    assert errors == [] and len(cards) == 1
    from tandem.calendar_app.vcard import card_values

    values, org_name, problems = card_values(cards[0])
    assert problems == []
    assert org_name == "Acme, Inc."
    assert values["first_name"] == "Zoë" and values["last_name"] == "O'Brien; Jr"
    assert values["email"] == "zoe@acme.example"
    assert values["mobile_phone"] == "+1 555 0199" and values["phone"] == "+1 555 0100"
    assert values["birthdate"] == datetime.date(1980, 2, 29)
    assert values["description"] == person.description


def test_download_through_the_door(client, org):
    person = f.contact(org.owner, last_name="Secret")
    client.force_login(org.outsider)
    assert client.get(f"/calendar/contacts/{person.pk}.vcf").status_code == 404
    client.force_login(org.manager)
    assert client.get(f"/calendar/contacts/{person.pk}.vcf").status_code == 200
    client.logout()
    assert client.get(f"/calendar/contacts/{person.pk}.vcf").status_code == 302


def test_folding_never_splits_a_character():
    line = "NOTE:" + "é" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert unescape("a\\,b\\;c\\nd\\\\") == "a,b;c\nd\\"


MULTI = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical Engines\r\n"
    "EMAIL;TYPE=INTERNET:ada@engines.example\r\nTEL;TYPE=CELL:+44 20 0000\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\nVERSION:2.1\nFN:Grace Hopper\nTITLE:Rear Admiral\nTEL;WORK:+1 555 0101\n"
    "NOTE:Wrote the first com\n piler\nEND:VCARD\n"
)


def test_import_creates_one_contact_per_card(client, org):
    engines = f.account(org.owner, name="Analytical Engines")
    client.force_login(org.owner)
    response = upload(client, MULTI)
    assert response.status_code == 302
    ada = contacts(org.owner).get(last_name="Lovelace")
    assert ada.first_name == "Ada" and ada.email == "ada@engines.example"
    assert ada.mobile_phone == "+44 20 0000" and ada.account == engines and ada.owner == org.owner
    grace = contacts(org.owner).get(last_name="Hopper")
    assert (
        grace.first_name == "Grace"
        and grace.title == "Rear Admiral"
        and grace.phone == "+1 555 0101"
    )
    assert grace.description == "Wrote the first compiler"
    assert FieldHistory.objects.filter(
        object_name="contact", record_id=ada.pk, field_name="created"
    ).exists()


def test_import_matches_only_accounts_the_user_can_read(client, org):
    f.account(org.outsider, name="Analytical Engines")
    client.force_login(org.owner)
    upload(client, MULTI)
    assert contacts(org.owner).get(last_name="Lovelace").account is None


BAD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Good;Card;;;\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bad;Birthday;;;\r\nBDAY:1990-13-45\r\nEND:VCARD\r\n"
)


def test_bad_cards_are_named_and_nothing_is_written(client, org):
    client.force_login(org.owner)
    before = Contact.objects.unrestricted().count()
    response = upload(client, BAD)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Card 2: the last name is missing (N or FN)." in html
    assert "Card 2: the email not-an-email is not valid." in html
    assert "Card 3: the birthday 1990-13-45 is not a date." in html
    assert "Card 1" not in html
    assert Contact.objects.unrestricted().count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hello world", "The file holds no vCard"),
        ("BEGIN:VCARD\r\nN:Open;Ended;;;\r\n", "Card 1 has no END:VCARD."),
    ],
)
def test_files_that_are_not_vcards(client, org, content, message):
    client.force_login(org.owner)
    response = upload(client, content)
    assert message in response.content.decode()
    assert not Contact.objects.unrestricted().exists()


def test_a_non_utf8_file_is_refused(client, org):
    client.force_login(org.owner)
    response = client.post(
        "/calendar/contacts/import/",
        {"file": SimpleUploadedFile("x.vcf", b"\xff\xfe\x00B\x00E", content_type="text/vcard")},
    )
    assert "not UTF-8" in response.content.decode()


def test_a_user_who_may_not_create_contacts_imports_nothing(client, org):
    from tandem.access.models import Profile

    read_only = Profile.objects.filter(name="Read Only").first()
    if read_only is None:
        pytest.skip("no Read Only profile in the seed data")
    viewer = f.user(profile_name="Read Only")
    client.force_login(viewer)
    response = upload(client, MULTI)
    assert response.status_code == 400
    assert "Card 1:" in response.content.decode()
    assert not Contact.objects.unrestricted().filter(last_name__in=["Lovelace", "Hopper"]).exists()


def test_export_then_import_round_trips(client, org):
    person = f.contact(
        org.owner,
        first_name="Émile",
        last_name="Zola, fils",
        email="emile@example.fr",
        city="Paris",
    )
    text = contact_to_vcard(person)
    client.force_login(org.teammate)
    upload(client, text)
    copy = contacts(org.teammate).get(owner=org.teammate)
    assert (copy.first_name, copy.last_name, copy.email, copy.city) == (
        "Émile",
        "Zola, fils",
        "emile@example.fr",
        "Paris",
    )
