"""Page layouts and the company profile."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.access.models import Profile
from tandem.core.models import Company, CustomField, PageLayout

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

LEAD_TEXT = """# Lead Information
first_name
last_name
company
status
rating

# Extra
custom.region
email
"""


@pytest.fixture
def region(db):
    return CustomField.objects.create(
        object_name="lead", name="region", label="Region", field_type="text"
    )


def layout_data(**overrides):
    data = {"name": "Sales layout", "sections_text": LEAD_TEXT, "required_fields": ["email"]}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_a_layout_with_sections_required_fields_and_profiles(admin_web, region):
    standard = Profile.objects.get(name="Standard User")
    response = admin_web.post(
        reverse("setup:layout_add", args=["lead"]),
        layout_data(profiles=[standard.pk], is_default="on"),
    )
    assert response.status_code == 302, response.context["form"].errors
    layout = PageLayout.objects.get(name="Sales layout")
    assert layout.sections == [
        {
            "title": "Lead Information",
            "fields": ["first_name", "last_name", "company", "status", "rating"],
        },
        {"title": "Extra", "fields": ["custom.region", "email"]},
    ]
    assert layout.required == ["email"]
    assert list(layout.profiles.all()) == [standard]
    assert layout.is_default


def test_edit_page_shows_sections_back(admin_web, region):
    admin_web.post(reverse("setup:layout_add", args=["lead"]), layout_data())
    layout = PageLayout.objects.get()
    html = admin_web.get(reverse("setup:layout_edit", args=["lead", layout.pk])).content.decode()
    assert "# Extra\ncustom.region\nemail" in html


@pytest.mark.parametrize(
    "text, fragment",
    [
        (LEAD_TEXT + "warp_drive\n", "warp_drive"),
        (LEAD_TEXT + "email\n", "already on the layout"),
        ("first_name\n" + LEAD_TEXT, "start with a section title"),
        (LEAD_TEXT.replace("company\n", ""), "Company"),
        ("", "required"),
    ],
)
def test_bad_sections_refused_naming_the_problem(admin_web, region, text, fragment):
    response = admin_web.post(
        reverse("setup:layout_add", args=["lead"]), layout_data(sections_text=text)
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["sections_text"])
    assert fragment.lower() in errors.lower()
    assert not PageLayout.objects.exists()


def test_required_field_must_be_on_the_layout(admin_web, region):
    response = admin_web.post(
        reverse("setup:layout_add", args=["lead"]), layout_data(required_fields=["phone"])
    )
    assert response.status_code == 400
    assert "Phone" in response.context["form"].errors["required_fields"][0]
    assert not PageLayout.objects.exists()


def test_one_default_and_one_layout_per_profile(admin_web, region):
    standard = Profile.objects.get(name="Standard User")
    admin_web.post(
        reverse("setup:layout_add", args=["lead"]),
        layout_data(name="A", is_default="on", profiles=[standard.pk]),
    )
    admin_web.post(
        reverse("setup:layout_add", args=["lead"]),
        layout_data(name="B", is_default="on", profiles=[standard.pk]),
    )
    a, b = PageLayout.objects.get(name="A"), PageLayout.objects.get(name="B")
    assert (a.is_default, b.is_default) == (False, True)
    assert list(a.profiles.all()) == [] and list(b.profiles.all()) == [standard]
    # The default layout cannot be deleted; another can.
    assert admin_web.post(reverse("setup:layout_delete", args=["lead", b.pk])).status_code == 409
    assert admin_web.post(reverse("setup:layout_delete", args=["lead", a.pk])).status_code == 302
    assert list(PageLayout.objects.values_list("name", flat=True)) == ["B"]


def test_duplicate_layout_name_refused(admin_web, region):
    admin_web.post(reverse("setup:layout_add", args=["lead"]), layout_data())
    response = admin_web.post(
        reverse("setup:layout_add", args=["lead"]), layout_data(name="sales LAYOUT")
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert PageLayout.objects.count() == 1


def company_data(**overrides):
    data = {
        "name": "Acme Ltd",
        "time_zone": "Europe/Rome",
        "language": "it",
        "currency": "eur",
        "fiscal_year_start_month": "4",
        "primary_color": "#112233",
        "default_lead_owner": "",
    }
    data.update(overrides)
    return data


def test_company_profile_saved(admin_web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = company_data(logo=SimpleUploadedFile("logo.png", PNG, content_type="image/png"))
    response = admin_web.post(reverse("setup:company"), data)
    assert response.status_code == 302
    company = Company.current()
    assert (company.name, company.time_zone, company.language, company.currency) == (
        "Acme Ltd",
        "Europe/Rome",
        "it",
        "EUR",
    )
    assert (company.fiscal_year_start_month, company.primary_color) == (4, "#112233")
    assert company.logo.name.startswith("branding/logo")
    assert (tmp_path / company.logo.name).read_bytes() == PNG


@pytest.mark.parametrize(
    "field, value",
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("language", "xx"),
        ("currency", "EURO"),
        ("currency", "E1"),
        ("fiscal_year_start_month", "13"),
        ("primary_color", "red"),
        ("name", ""),
    ],
)
def test_company_bad_input_refused_at_the_field(admin_web, field, value):
    before = Company.current()
    response = admin_web.post(reverse("setup:company"), company_data(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    after = Company.current()
    assert (after.name, after.time_zone, after.currency) == (
        before.name,
        before.time_zone,
        before.currency,
    )


@pytest.mark.parametrize(
    "name, content",
    [("logo.svg", b"<svg onload='alert(1)'/>"), ("logo.png", b"GIF89a....."), ("logo.exe", b"MZ")],
)
def test_logo_must_be_a_real_image(admin_web, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    response = admin_web.post(
        reverse("setup:company"), company_data(logo=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors
    assert Company.current().name != "Acme Ltd"
    assert not any(tmp_path.rglob("*"))
