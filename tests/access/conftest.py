"""Access fixtures: two partner companies under one channel manager, beside the sales org."""

import pytest

from tandem.access.models import User
from tests import factories as f


def fresh(user: User) -> User:
    """The same person on their next request: a new user object, principals resolved again."""
    return User.objects.select_related("profile").get(pk=user.pk)


@pytest.fixture
def partners(org):
    """Acme and Globex resell for the channel manager (who reports to the VP Sales).

    Each partner company has a Partner Executive role above a Partner User role, both
    under the channel manager's role, and one user in each.
    """

    class Partners:
        pass

    p = Partners()
    p.org = org
    p.channel_role = f.role("Channel Manager", org.vp_role)
    p.channel_manager = f.user("channel@example.com", role=p.channel_role)
    for name in ("acme", "globex"):
        account = f.account(p.channel_manager, name=name.title(), is_partner=True)
        exec_role = f.role(f"{name} Partner Executive", p.channel_role, partner_account=account)
        user_role = f.role(f"{name} Partner User", exec_role, partner_account=account)
        executive = f.user(
            f"exec@{name}.example",
            profile_name="Partner User",
            role=exec_role,
            external=True,
            contact=f.contact(p.channel_manager, account, last_name=f"{name} exec"),
        )
        rep = f.user(
            f"rep@{name}.example",
            profile_name="Partner User",
            role=user_role,
            external=True,
            contact=f.contact(p.channel_manager, account, last_name=f"{name} rep"),
        )
        setattr(p, name, account)
        setattr(p, f"{name}_exec_role", exec_role)
        setattr(p, f"{name}_user_role", user_role)
        setattr(p, f"{name}_exec", executive)
        setattr(p, f"{name}_rep", rep)
    return p
