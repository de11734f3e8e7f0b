"""Fixtures shared by the whole suite: the personas of GUIDE.md (owner, teammate, outsider...)."""

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """A small company: CEO > Sales VP > two reps; an outsider in another branch; an admin."""

    class Org:
        pass

    o = Org()
    o.ceo_role = f.role("CEO")
    o.vp_role = f.role("VP Sales", o.ceo_role)
    o.rep_role = f.role("Sales Rep", o.vp_role)
    o.support_role = f.role("Support", o.ceo_role)
    o.admin = f.admin("admin@example.com")
    o.ceo = f.user("ceo@example.com", role=o.ceo_role)
    o.manager = f.user("manager@example.com", role=o.vp_role)
    o.owner = f.user("owner@example.com", role=o.rep_role)
    o.teammate = f.user("teammate@example.com", role=o.rep_role)
    o.outsider = f.user("outsider@example.com", role=o.support_role)
    return o
