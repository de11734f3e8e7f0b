"""Who a user is, for access decisions: resolved once per request from a handful of small tables.

Everything here is computed at query time from the current roles, groups and defaults,
so a reorganisation is effective on the next request with nothing to recalculate.
"""

from dataclasses import dataclass, field

from tandem.access.models import (
    OWD_PARENT,
    OWD_PRIVATE,
    OWD_RANK,
    TARGET_GROUP,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    TARGET_USER,
    GroupMember,
    OrgDefault,
    RoleClosure,
)
from tandem.core import registry


@dataclass(frozen=True)
class Principals:
    user_id: int
    is_active: bool
    is_external: bool
    profile: object
    role_id: int | None
    subtree_role_ids: frozenset = frozenset()  # my role and every role below it
    below_role_ids: frozenset = frozenset()  # the roles strictly below mine
    ancestor_role_ids: frozenset = frozenset()  # the roles strictly above mine
    # The roles above mine whose "Role and Subordinates" includes me: all of them for an
    # internal role; only the partner roles above a partner role (see subordinate_role_ids).
    subs_ancestor_role_ids: frozenset = frozenset()
    group_ids: frozenset = frozenset()  # groups and queues I belong to, hierarchy included
    owd: dict = field(default_factory=dict)  # object name -> effective default for me
    partner_account_id: int | None = None  # a partner user's own company (they may read it)
    # Active sharing rules per object, loaded on first use within the request.
    rule_cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def sharing_rules(self, object_name: str) -> list:
        if object_name not in self.rule_cache:
            from tandem.access.models import SharingRule

            self.rule_cache[object_name] = list(
                SharingRule.objects.filter(object_name=object_name, is_active=True)
            )
        return self.rule_cache[object_name]

    def object_permission(self, object_name: str, action: str) -> bool:
        return self.is_active and self.profile.has_object_permission(object_name, action)

    def system_permission(self, name: str) -> bool:
        return self.is_active and self.profile.has_system_permission(name)

    def matches_target(self, kind: str, target_id: int, below_user_ids=None) -> bool:
        """Whether a share aimed at (kind, target_id) reaches me, the hierarchy included.

        `below_user_ids` is needed only for user targets (users in roles below mine).
        """
        if kind == TARGET_USER:
            return target_id == self.user_id or bool(below_user_ids and target_id in below_user_ids)
        if kind == TARGET_ROLE:
            return target_id in self.subtree_role_ids
        if kind == TARGET_ROLE_SUBS:
            return target_id in self.subtree_role_ids or target_id in self.subs_ancestor_role_ids
        if kind == TARGET_GROUP:
            return target_id in self.group_ids
        return False


def effective_defaults(is_external: bool) -> dict:
    """Each object's default access for internal or external users (external never wider)."""
    rows = {row.object_name: row for row in OrgDefault.objects.all()}
    result = {}
    for obj in registry.all_objects():
        row = rows.get(obj.name)
        internal = row.internal_access if row else obj.default_owd
        if not is_external:
            result[obj.name] = internal
            continue
        external = row.external_access if row else obj.default_owd
        if OWD_RANK[external] > OWD_RANK[internal]:
            external = internal
        elif external == OWD_PARENT and internal != OWD_PARENT:
            # Controlled by Parent can open more than Private (or edit where the internal
            # default only reads), so it is only allowed when the internal default is too.
            external = OWD_PRIVATE
        result[obj.name] = external
    return result


def _groups_reaching(user, subtree, below, subs_ancestors) -> frozenset:
    from django.db.models import Q

    direct = GroupMember.objects.filter(
        Q(kind=TARGET_USER, user_id=user.pk)
        | Q(kind=TARGET_USER, user__role_id__in=below)
        | Q(kind=TARGET_ROLE, role_id__in=subtree)
        | Q(kind=TARGET_ROLE_SUBS, role_id__in=subtree | subs_ancestors)
    ).values_list("group_id", flat=True)
    found = set(direct)
    nested: dict[int, set[int]] = {}
    for group_id, member_group_id in GroupMember.objects.filter(kind=TARGET_GROUP).values_list(
        "group_id", "member_group_id"
    ):
        nested.setdefault(member_group_id, set()).add(group_id)
    frontier = list(found)
    while frontier:
        for parent in nested.get(frontier.pop(), ()):
            if parent not in found:
                found.add(parent)
                frontier.append(parent)
    return frozenset(found)


def resolve(user) -> Principals:
    subtree: frozenset = frozenset()
    ancestors: frozenset = frozenset()
    subs_ancestors: frozenset = frozenset()
    if user.role_id:
        subtree = frozenset(
            RoleClosure.objects.filter(ancestor_id=user.role_id).values_list(
                "descendant_id", flat=True
            )
        )
        # Depth 0 is my own role: it says whether I sit in a partner company's hierarchy.
        chain = list(
            RoleClosure.objects.filter(descendant_id=user.role_id).values_list(
                "ancestor_id", "depth", "ancestor__partner_account_id"
            )
        )
        above = [(pk, partner) for pk, depth, partner in chain if depth > 0]
        mine_is_partner = any(depth == 0 and partner for _, depth, partner in chain)
        ancestors = frozenset(pk for pk, _ in above)
        subs_ancestors = frozenset(
            pk for pk, partner in above if not mine_is_partner or partner is not None
        )
    below = subtree - {user.role_id}
    partner_account_id = None
    if user.is_external and user.contact_id:
        from tandem.sales.models import Contact

        partner_account_id = (
            Contact.objects.unrestricted()
            .filter(pk=user.contact_id)
            .values_list("account_id", flat=True)
            .first()
        )
    return Principals(
        user_id=user.pk,
        is_active=user.is_active,
        is_external=user.is_external,
        profile=user.profile,
        role_id=user.role_id,
        subtree_role_ids=subtree,
        below_role_ids=below,
        ancestor_role_ids=ancestors,
        subs_ancestor_role_ids=subs_ancestors,
        group_ids=_groups_reaching(user, subtree, below, subs_ancestors),
        owd=effective_defaults(user.is_external),
        partner_account_id=partner_account_id,
    )


def member_group_ids(user) -> frozenset:
    """Public groups and queues the user is a member of, nested groups included.

    Membership, not the hierarchy: a manager is not a member of their team's group. Used for
    what is shared with "certain groups of users" (list views), not for record access.
    """
    cached = getattr(user, "_tandem_member_groups", None)
    if cached is None:
        p = principals_for(user)
        mine = frozenset({p.role_id}) if p.role_id else frozenset()
        cached = _groups_reaching(user, mine, frozenset(), p.subs_ancestor_role_ids)
        user._tandem_member_groups = cached
    return cached


def is_member(user, kind: str, target_id: int) -> bool:
    """Whether the user is in a role, a role and its subordinates, or a public group."""
    p = principals_for(user)
    if kind == TARGET_USER:
        return target_id == p.user_id
    if kind == TARGET_ROLE:
        return target_id == p.role_id
    if kind == TARGET_ROLE_SUBS:
        return target_id == p.role_id or target_id in p.subs_ancestor_role_ids
    if kind == TARGET_GROUP:
        return target_id in member_group_ids(user)
    return False


def principals_for(user) -> Principals:
    """The user's principals, cached on the user object (a new one each request)."""
    cached = getattr(user, "_tandem_principals", None)
    if cached is None:
        cached = resolve(user)
        user._tandem_principals = cached
    return cached


def forget(user) -> None:
    """Drop cached principals, e.g. after an action changed the user's role in this request."""
    user.__dict__.pop("_tandem_principals", None)
    user.__dict__.pop("_tandem_member_groups", None)
