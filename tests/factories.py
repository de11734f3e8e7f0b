"""Small builders for test data, shared by every test package."""

import datetime
import itertools

from tandem.access.hierarchy import rebuild_role_closure
from tandem.access.models import Profile, Role, User
from tandem.sales.models import Account, Contact, Lead, Opportunity

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"


def profile(name: str = "Standard User") -> Profile:
    return Profile.objects.get(name=name)


def role(name: str, parent: Role | None = None, **kw) -> Role:
    r = Role.objects.create(name=name, parent=parent, **kw)
    rebuild_role_closure()
    return r


def user(
    email: str | None = None,
    profile_name: str = "Standard User",
    role: Role | None = None,
    external: bool = False,
    contact: Contact | None = None,
    **kw,
) -> User:
    n = next(_seq)
    u = User.objects.create_user(
        email or f"user{n}@example.com",
        password=PASSWORD,
        last_name=kw.pop("last_name", f"User{n}"),
        first_name=kw.pop("first_name", "Test"),
        profile=profile(profile_name),
        role=role,
        contact=contact,
        **kw,
    )
    if external:
        User.objects.filter(pk=u.pk).update(is_external=True)
        u.is_external = True
    return u


def admin(email: str | None = None) -> User:
    return user(email, profile_name="System Administrator")


def account(owner: User, **kw) -> Account:
    kw.setdefault("name", f"Account {next(_seq)}")
    return Account.objects.create(owner=owner, **kw)


def contact(owner: User, account: Account | None = None, **kw) -> Contact:
    kw.setdefault("last_name", f"Contact{next(_seq)}")
    return Contact.objects.create(owner=owner, account=account, **kw)


def lead(owner: User | None = None, **kw) -> Lead:
    kw.setdefault("last_name", f"Lead{next(_seq)}")
    kw.setdefault("company", f"Company {next(_seq)}")
    kw.setdefault("status", "Open - Not Contacted")
    return Lead.objects.create(owner=owner, **kw)


def opportunity(owner: User, account: Account | None = None, **kw) -> Opportunity:
    kw.setdefault("name", f"Deal {next(_seq)}")
    kw.setdefault("stage", "Prospecting")
    kw.setdefault("close_date", datetime.date.today() + datetime.timedelta(days=30))
    return Opportunity.objects.create(owner=owner, account=account, **kw)
