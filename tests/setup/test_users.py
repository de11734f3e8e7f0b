"""Adding users, with and without “Generate new password and notify user immediately”."""

import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from tandem.access.models import Profile, User
from tests import factories as f


def new_user_data(**overrides):
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada@Example.com",
        "title": "Rep",
        "phone": "",
        "profile": Profile.objects.get(name="Standard User").pk,
        "role": "",
        "is_active": "on",
        "notify": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_add_user_with_notify_emails_a_password_that_works(
    admin_web, django_capture_on_commit_callbacks
):
    role = f.role("Sales Rep")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(reverse("setup:user_add"), new_user_data(role=role.pk))
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert (user.first_name, user.role, user.profile.name) == ("Ada", role, "Standard User")
    assert user.must_change_password
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    login_url = "http://testserver" + reverse("login")
    assert login_url in message.body
    password = re.search(r"Temporary password: (\S+)", message.body).group(1)
    assert authenticate(None, username="ada@example.com", password=password) == user
    # …and through the real login page.
    admin_web.logout()
    response = admin_web.post(
        reverse("login"), {"username": "ada@example.com", "password": password}
    )
    assert response.status_code == 302


def test_add_user_without_notify_sends_nothing_and_can_be_invited_later(
    admin_web, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(reverse("setup:user_add"), new_user_data(notify=None))
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert not user.has_usable_password()
    assert not user.must_change_password
    assert mail.outbox == []

    page = admin_web.get(reverse("setup:user", args=[user.pk])).content.decode()
    assert "Send invitation" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_web.post(reverse("setup:user_invite", args=[user.pk]))
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver/\S+", mail.outbox[0].body).group(0)
    match = re.search(r"/password/reset/([^/]+)/([^/]+)/", link) or re.search(
        r"/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]+)/", link
    )
    uidb64, token = match.groups()
    assert force_str(urlsafe_base64_decode(uidb64)) == str(user.pk)
    assert default_token_generator.check_token(user, token)
    assert reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}) in link


def test_invitation_link_lets_the_user_choose_a_password(
    admin_web, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_web.post(reverse("setup:user_add"), new_user_data(notify=None))
        user = User.objects.get(email="ada@example.com")
        admin_web.post(reverse("setup:user_invite", args=[user.pk]))
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    admin_web.logout()
    response = admin_web.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = admin_web.post(
        form_url, {"new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"}
    )
    assert response.status_code == 302
    assert authenticate(None, username="ada@example.com", password="a-Long-new-pass-42") is not None


def test_duplicate_email_is_refused_at_the_field(admin_web, django_capture_on_commit_callbacks):
    f.user("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(reverse("setup:user_add"), new_user_data())
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "already exists" in errors["email"][0]
    assert "ada@example.com" in errors["email"][0]
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    "field, value",
    [("last_name", ""), ("email", "not-an-email"), ("profile", "999999"), ("role", "999999")],
)
def test_bad_input_names_the_field_and_saves_nothing(admin_web, field, value):
    before = User.objects.count()
    response = admin_web.post(reverse("setup:user_add"), new_user_data(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    assert User.objects.count() == before
    assert mail.outbox == []


def test_edit_and_deactivate_a_user(admin_web):
    role = f.role("Support")
    u = f.user("bob@example.com")
    data = new_user_data(
        email="bob@example.com", first_name="Bob", last_name="Builder", role=role.pk
    )
    data.pop("notify")
    data.pop("is_active")
    response = admin_web.post(reverse("setup:user_edit", args=[u.pk]), data)
    assert response.status_code == 302
    u.refresh_from_db()
    assert (u.first_name, u.last_name, u.role, u.is_active) == ("Bob", "Builder", role, False)

    v = f.user("carol@example.com")
    response = admin_web.post(reverse("setup:user_deactivate", args=[v.pk]))
    assert response.status_code == 302
    v.refresh_from_db()
    assert not v.is_active
    admin_web.post(reverse("setup:user_activate", args=[v.pk]))
    v.refresh_from_db()
    assert v.is_active


def test_user_time_zone_language_and_manager(admin_web, admin_user):
    data = new_user_data(
        time_zone="Europe/Lisbon", language="pt-br", manager=admin_user.pk, notify=None
    )
    assert admin_web.post(reverse("setup:user_add"), data).status_code == 302
    u = User.objects.get(email="ada@example.com")
    assert (u.time_zone, u.language, u.manager) == ("Europe/Lisbon", "pt-br", admin_user)
    response = admin_web.post(
        reverse("setup:user_add"),
        new_user_data(email="b@example.com", time_zone="Moon/Base", language="kl"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "time_zone" in errors and "language" in errors
    assert not User.objects.filter(email="b@example.com").exists()


def test_an_admin_cannot_deactivate_themselves(admin_web, admin_user):
    admin_web.post(reverse("setup:user_deactivate", args=[admin_user.pk]))
    admin_user.refresh_from_db()
    assert admin_user.is_active
    data = new_user_data(email=admin_user.email, profile=admin_user.profile_id)
    data.pop("notify")
    data.pop("is_active")
    response = admin_web.post(reverse("setup:user_edit", args=[admin_user.pk]), data)
    assert response.status_code == 400
    assert "is_active" in response.context["form"].errors


def test_user_list_searches(admin_web):
    f.user("zed@example.com", last_name="Zebra")
    f.user("yan@example.com", last_name="Yak")
    html = admin_web.get(reverse("setup:users") + "?q=zebra").content.decode()
    assert "zed@example.com" in html
    assert "yan@example.com" not in html


def test_reset_password_and_notify(admin_web, django_capture_on_commit_callbacks):
    u = f.user("dan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        admin_web.post(reverse("setup:user_reset_password", args=[u.pk]))
    password = re.search(r"Temporary password: (\S+)", mail.outbox[0].body).group(1)
    assert authenticate(None, username="dan@example.com", password=password) is not None


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_keeps_the_user_and_says_so(admin_web, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    response = admin_web.post(reverse("setup:user_add"), new_user_data(), follow=True)
    assert response.status_code == 200
    user = User.objects.get(email="ada@example.com")
    page = response.content.decode()
    assert "the email could not be sent" in page
    response = admin_web.post(reverse("setup:user_invite", args=[user.pk]), follow=True)
    assert "could not be sent" in response.content.decode()
