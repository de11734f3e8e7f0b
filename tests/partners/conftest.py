"""A channel team with two partner companies, a partner queue and partner management on."""

import pytest

from tandem.access.models import Group, GroupMember
from tandem.partners.actions import enable_partner_account, enable_partner_management, enable_partner_user
from tests import factories as f


@pytest.fixture
def channel(org):
    class Channel:
        pass

    c = Channel()
    c.org = org
    c.channel_role = f.role("Channel Manager", org.vp_role)
    c.manager = f.user("channel@example.com", role=c.channel_role)
    enable_partner_management(org.admin, {})
    c.partners = []
    for name in ("Northwind", "Bluepeak"):
        account = f.account(c.manager, name=name)
        enable_partner_account(c.manager, account)
        contact = f.contact(c.manager, account, last_name=f"{name} Rep", email=f"rep@{name.lower()}.example")
        user, password = enable_partner_user(
            c.manager, contact, email=contact.email, first_name="Pat", last_name=contact.last_name
        )
        user.set_password(f.PASSWORD)
        user.must_change_password = False
        user.save()
        c.partners.append((account, user))
    (c.north_account, c.north), (c.blue_account, c.blue) = c.partners
    c.queue = Group.objects.create(name="Partner Leads", kind=Group.KIND_QUEUE, queue_objects=["lead"])
    for _account, user in c.partners:
        GroupMember.objects.create(group=c.queue, kind="user", user=user)
    return c


def fresh(user):
    """The same user as a new request would load it (principals resolved anew)."""
    return type(user).objects.get(pk=user.pk)
