"""Partner roles: one to three levels under the channel manager's role, per partner account."""

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.access.hierarchy import rebuild_role_closure
from tandem.access.models import Role

LEVELS = ("Partner Executive", "Partner Manager", "Partner User")


def level_names(levels: int) -> tuple[str, ...]:
    """The partner role levels in use, top first: 1 → (User,), 2 → (Manager, User), 3 → all."""
    return LEVELS[3 - max(1, min(3, levels)) :]


def partner_roles(account) -> list[Role]:
    """The account's partner roles, top first."""
    roles = {r.parent_id: r for r in Role.objects.filter(partner_account=account)}
    ids = {r.pk for r in roles.values()}
    top = next((r for r in roles.values() if r.parent_id not in ids), None)
    chain = []
    while top is not None:
        chain.append(top)
        top = roles.get(top.pk)
    return chain


@transaction.atomic
def ensure_partner_roles(account, levels: int) -> list[Role]:
    """Create the account's partner roles under its owner's role if they do not exist yet."""
    existing = partner_roles(account)
    if existing:
        return existing
    parent = account.owner.role if account.owner_id else None
    chain = []
    for order, level in enumerate(level_names(levels)):
        parent = Role.objects.create(
            name=_("%(account)s %(level)s") % {"account": account.name, "level": _(level)},
            parent=parent,
            partner_account=account,
            sort_order=order,
        )
        chain.append(parent)
    rebuild_role_closure()
    return chain


def move_partner_roles(account) -> None:
    """After an account changes owner, its partner roles follow the new channel manager."""
    chain = partner_roles(account)
    if not chain:
        return
    top = chain[0]
    new_parent = account.owner.role_id if account.owner_id else None
    if top.parent_id != new_parent:
        top.parent_id = new_parent
        top.save(update_fields=["parent"])
        rebuild_role_closure()
