"""Clients for Setup tests: an administrator, a user manager, a standard user."""

import pytest

from tandem.access.models import Profile
from tests import factories as f


@pytest.fixture
def admin_user(db):
    return f.admin("root@example.com")


@pytest.fixture
def admin_web(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def standard_web(client, db):
    client.force_login(f.user("plain@example.com"))
    return client


@pytest.fixture
def user_manager_web(client, db):
    """Somebody who may manage users but not customise the application."""
    base = Profile.objects.get(name="Standard User")
    profile = Profile.objects.create(
        name="User Manager",
        object_permissions=base.object_permissions,
        system_permissions={"manage_users": True},
    )
    u = f.user("hr@example.com")
    u.profile = profile
    u.save()
    client.force_login(u)
    return client


def errors_of(response, form="form"):
    """The form errors a page rendered, by field name."""
    return response.context[form].errors
