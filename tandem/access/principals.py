"""Who a user is, for access decisions: resolved once per request from a handful of small tables.

Everything here is computed at query time from the current roles, groups and defaults,
so a reorganisation is effective on the next request with nothing to recalculate.
"""

import json
from dataclasses import dataclass, field

from django.db import connection

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
    Role,
    RoleClosure,
    User,
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
            self.rule_cache[object_name] = active_rules(object_name)
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


def active_rules(object_name: str) -> list:
    """The object's active sharing rules, as unsaved-looking SharingRule instances."""
    from tandem.access.models import SharingRule

    names = [f.attname for f in SharingRule._meta.concrete_fields]
    table = SharingRule._meta.db_table
    rules = []
    sql = f"SELECT {', '.join(names)} FROM {table} WHERE object_name = %s AND is_active = %s"
    for row in _rows(sql + " ORDER BY name, id", [object_name, True]):
        values = dict(zip(names, row, strict=True))
        if isinstance(values["criteria"], str):  # SQLite hands JSON back as text
            values["criteria"] = json.loads(values["criteria"])
        rule = SharingRule(**values)
        rule._state.adding, rule._state.db = False, connection.alias
        rules.append(rule)
    return rules


def _rows(sql: str, params=()) -> list[tuple]:
    """Run a small parameterised query. Resolving principals runs on every request, and
    these few lookups cost less as plain SQL than through the ORM's query compiler."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def effective_defaults(is_external: bool, rows: dict | None = None) -> dict:
    """Each object's default access for internal or external users (external never wider).

    `rows` is {object name: (internal, external)} when the caller has read them already.
    """
    if rows is None:
        table = OrgDefault._meta.db_table
        sql = f"SELECT object_name, internal_access, external_access FROM {table}"
        rows = {name: (internal, external) for name, internal, external in _rows(sql)}
    result = {}
    for obj in registry.all_objects():
        internal, external = rows.get(obj.name, (obj.default_owd, obj.default_owd))
        if not is_external:
            result[obj.name] = internal
            continue
        if OWD_RANK[external] > OWD_RANK[internal]:
            external = internal
        elif external == OWD_PARENT and internal != OWD_PARENT:
            # Controlled by Parent can open more than Private (or edit where the internal
            # default only reads), so it is only allowed when the internal default is too.
            external = OWD_PRIVATE
        result[obj.name] = external
    return result


def _with_nested(direct: set[int], nested: dict[int, set[int]]) -> frozenset:
    """The groups in `direct` and every group that holds one of them, however deep."""
    found = set(direct)
    frontier = list(found)
    while frontier:
        for parent in nested.get(frontier.pop(), ()):
            if parent not in found:
                found.add(parent)
                frontier.append(parent)
    return frozenset(found)


def _groups_reaching(user, subtree, below, subs_ancestors) -> frozenset:
    """Groups and queues with a member that reaches the user, then the groups holding those."""
    members = GroupMember._meta.db_table
    where = ["kind = %s", "(kind = %s AND user_id = %s)"]
    params: list = [TARGET_GROUP, TARGET_USER, user.pk]
    if below:
        users = User._meta.db_table
        where.append(
            f"(kind = %s AND user_id IN (SELECT id FROM {users} WHERE role_id IN ({_marks(below)})))"
        )
        params += [TARGET_USER, *sorted(below)]
    if subtree:
        where.append(f"(kind = %s AND role_id IN ({_marks(subtree)}))")
        params += [TARGET_ROLE, *sorted(subtree)]
    if subtree or subs_ancestors:
        roles = sorted(subtree | subs_ancestors)
        where.append(f"(kind = %s AND role_id IN ({_marks(roles)}))")
        params += [TARGET_ROLE_SUBS, *roles]
    found: set[int] = set()
    nested: dict[int, set[int]] = {}
    sql = f"SELECT group_id, kind, member_group_id FROM {members} WHERE {' OR '.join(where)}"
    for group_id, kind, member_group_id in _rows(sql, params):
        if kind == TARGET_GROUP:
            nested.setdefault(member_group_id, set()).add(group_id)
        else:
            found.add(group_id)
    return _with_nested(found, nested)


def _nulls(n: int) -> str:
    return ", ".join(["NULL"] * n)


def _principal_rows(user) -> list[tuple]:
    """Everything principals need, in one round trip: one UNION ALL of four small tables.

    Columns: tag, four ids, eight strings. 'c' rows are the role closure around my role
    (ancestor, descendant, depth, ancestor's partner account); 'g' rows are group
    memberships that may reach me (group, member group, role; kind) — every group-in-group,
    role and role-and-subordinates row, and user rows for me and the users below me; 'd'
    rows are the defaults (object, internal, external); 'r' rows the active sharing rules.
    """
    closure, roles = RoleClosure._meta.db_table, Role._meta.db_table
    members, users = GroupMember._meta.db_table, User._meta.db_table
    parts, params = [], []
    member_where = "kind IN (%s, %s, %s) OR (kind = %s AND user_id = %s)"
    member_params = [TARGET_GROUP, TARGET_ROLE, TARGET_ROLE_SUBS, TARGET_USER, user.pk]
    if user.role_id:
        parts.append(
            f"SELECT 'c', c.ancestor_id, c.descendant_id, c.depth, r.partner_account_id,"
            f" {_nulls(8)} FROM {closure} c JOIN {roles} r ON r.id = c.ancestor_id"
            f" WHERE c.ancestor_id = %s OR c.descendant_id = %s"
        )
        params += [user.role_id, user.role_id]
        member_where += (
            f" OR (kind = %s AND user_id IN (SELECT id FROM {users} WHERE role_id IN"
            f" (SELECT descendant_id FROM {closure} WHERE ancestor_id = %s AND depth > 0)))"
        )
        member_params += [TARGET_USER, user.role_id]
    parts.append(
        f"SELECT 'g', group_id, member_group_id, role_id, NULL, kind, {_nulls(7)}"
        f" FROM {members} WHERE {member_where}"
    )
    params += member_params
    parts.append(
        f"SELECT 'd', NULL, NULL, NULL, NULL, object_name, internal_access, external_access,"
        f" {_nulls(5)} FROM {OrgDefault._meta.db_table}"
    )
    from tandem.access.models import SharingRule

    parts.append(
        f"SELECT 'r', id, source_id, target_id, NULL, object_name, kind, source_kind,"
        f" target_kind, access_level, criteria_logic, name, CAST(criteria AS TEXT)"
        f" FROM {SharingRule._meta.db_table} WHERE is_active = %s"
    )
    params.append(True)
    return _rows(" UNION ALL ".join(parts), params)


def _rules_by_object(rows) -> dict:
    """The active sharing rules of every object, from the 'r' rows, in name order."""
    from tandem.access.models import SharingRule

    rules: dict[str, list] = {obj.name: [] for obj in registry.all_objects()}
    found = []
    for row in rows:
        if row[0] != "r":
            continue
        pk, source_id, target_id = row[1:4]
        object_name, kind, source_kind, target_kind, access_level, criteria_logic, name = row[5:12]
        criteria = row[12]
        rule = SharingRule(
            id=pk,
            object_name=object_name,
            name=name,
            kind=kind,
            source_kind=source_kind or "",
            source_id=source_id,
            criteria=json.loads(criteria) if criteria else [],
            criteria_logic=criteria_logic,
            target_kind=target_kind,
            target_id=target_id,
            access_level=access_level,
            is_active=True,
        )
        rule._state.adding, rule._state.db = False, connection.alias
        found.append(rule)
    for rule in sorted(found, key=lambda r: (r.name, r.pk)):
        rules.setdefault(rule.object_name, []).append(rule)
    return rules


def resolve(user) -> Principals:
    rows = _principal_rows(user)
    subtree: frozenset = frozenset()
    ancestors: frozenset = frozenset()
    subs_ancestors: frozenset = frozenset()
    if user.role_id:
        # (ancestor, descendant, depth, the ancestor's partner account)
        closure = [row[1:5] for row in rows if row[0] == "c"]
        subtree = frozenset(d for a, d, _depth, _p in closure if a == user.role_id)
        # Depth 0 is my own role: it says whether I sit in a partner company's hierarchy.
        chain = [(a, depth, partner) for a, d, depth, partner in closure if d == user.role_id]
        above = [(pk, partner) for pk, depth, partner in chain if depth > 0]
        mine_is_partner = any(depth == 0 and partner for _, depth, partner in chain)
        ancestors = frozenset(pk for pk, _ in above)
        subs_ancestors = frozenset(
            pk for pk, partner in above if not mine_is_partner or partner is not None
        )
    below = subtree - {user.role_id}
    direct: set[int] = set()
    nested: dict[int, set[int]] = {}
    for row in rows:
        if row[0] != "g":
            continue
        group_id, member_group_id, role_id, kind = row[1], row[2], row[3], row[5]
        if kind == TARGET_GROUP:
            nested.setdefault(member_group_id, set()).add(group_id)
        elif (
            kind == TARGET_USER
            or (kind == TARGET_ROLE and role_id in subtree)
            or (kind == TARGET_ROLE_SUBS and (role_id in subtree or role_id in subs_ancestors))
        ):
            direct.add(group_id)
    defaults = {row[5]: (row[6], row[7]) for row in rows if row[0] == "d"}
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
        group_ids=_with_nested(direct, nested),
        owd=effective_defaults(user.is_external, defaults),
        rule_cache=_rules_by_object(rows),
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
