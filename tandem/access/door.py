"""The one door to the data: which records a user may read, edit or delete, as one SQL predicate.

A user U may act on a record R when U's profile allows the action on R's object and:
- U's profile has Modify All (any action) or View All (read) on the object, or the
  View All Data / Modify All Data system permission; or
- the effective organisation-wide default opens it (Public Read Only: read; Public
  Read/Write: read and edit); or
- R is owned by U or by a user in a role below U's role (read, edit, delete); or
- R is owned by a queue that reaches U (read, edit); or
- a sharing rule or manual share at the right level reaches U (read; edit if Read/Write); or
- the object's default is Controlled by Parent and U may do the same action (read, edit
  or delete) on a parent; or
- (read only) R is an account and U may read, other than through the account, one of
  its contacts or opportunities.
"Reaches U" includes the hierarchy: a share to a user, role or group also reaches the
users above them (see Principals.matches_target and docs/security-model.md).
"Role and Subordinates" of an internal role means its internal subordinates: partner roles
under it are not included (see subordinate_role_ids).
For external users the effective default is the external one, clamped to the internal one:
never wider, and Controlled by Parent only when the internal default is Controlled by Parent.
"""

import logging

from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet, ValidationError
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from tandem.access.models import (
    OWD_PARENT,
    OWD_READ,
    OWD_READ_WRITE,
    READ_WRITE,
    TARGET_GROUP,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    TARGET_USER,
    GroupMember,
    RecordShare,
    Role,
    RoleClosure,
    SharingRule,
    User,
)
from tandem.access.principals import Principals, principals_for
from tandem.core import registry
from tandem.core.filters import conditions_q

logger = logging.getLogger(__name__)

ACTIONS = ("read", "edit", "delete")
NOTHING = Q(pk__in=[])
# Beyond this many rows (page 20 of a 50-row list) a page is read with the plain OR.
TOP_N_LIMIT = 1001


def access_filter(model, user, action: str = "read") -> Q | None:
    """The condition on `model` for `user` and `action`; None means every record."""
    branches = access_branches(model, user, action)
    return None if branches is None else any_of(branches)


def access_branches(model, user, action: str = "read") -> list[Q] | None:
    """The door's condition as a list of OR branches; None means every record, [] none.

    Each branch is simple on its own (my records, one sharing rule, my manual shares...), so
    a database can take the first rows of each in index order: see `visible_page`.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    obj = registry.for_model(model)
    if _sees_everything(obj, user, action):
        # View All / Modify All decide alone: no roles, groups or defaults to resolve.
        return None
    return object_branches(obj, principals_for(user), action)


def any_of(branches: list[Q]) -> Q:
    """The OR of branches, NOTHING for none."""
    q = NOTHING
    for branch in branches:
        q |= branch
    return q


def _sees_everything(obj: registry.ObjectDef, user, action: str) -> bool:
    """Modify All, or View All for reading, answered from the profile alone."""
    profile = getattr(user, "profile", None)
    if not user.is_active or profile is None or not profile.has_object_permission(obj.name, action):
        return False
    if profile.has_object_permission(obj.name, "modify_all") or profile.has_system_permission(
        "modify_all_data"
    ):
        return True
    return action == "read" and (
        profile.has_object_permission(obj.name, "view_all")
        or profile.has_system_permission("view_all_data")
    )


def object_filter(obj: registry.ObjectDef, p: Principals, action: str) -> Q | None:
    branches = object_branches(obj, p, action)
    if branches is None:
        return None
    return any_of(branches) if branches else NOTHING


def object_branches(obj: registry.ObjectDef, p: Principals, action: str) -> list[Q] | None:
    """Why a record may be reached, one Q per reason (their OR is the door's predicate)."""
    if not p.object_permission(obj.name, action):
        return []
    if p.object_permission(obj.name, "modify_all") or p.system_permission("modify_all_data"):
        return None
    if action == "read" and (
        p.object_permission(obj.name, "view_all") or p.system_permission("view_all_data")
    ):
        return None
    owd = p.owd.get(obj.name, obj.default_owd)
    if (action == "read" and owd in (OWD_READ, OWD_READ_WRITE)) or (
        action == "edit" and owd == OWD_READ_WRITE
    ):
        return None

    branches = _owned_by_me_or_below(p)
    if action != "delete":
        branches += _direct_grants(obj, p, action)
    if owd == OWD_PARENT:
        for link in obj.parents:
            parent_q = object_filter(registry.get(link.object_name), p, action)
            if parent_q is None:
                branches.append(Q(**{f"{link.field}__isnull": False}))
            elif parent_q is not NOTHING:
                parent_model = registry.get(link.object_name).model
                ids = parent_model.objects.unrestricted().filter(parent_q).values("pk")
                branches.append(Q(**{f"{link.field}__in": ids}))
    if action == "read" and obj.name == "account" and p.partner_account_id:
        branches.append(Q(pk=p.partner_account_id))
    if action == "read":
        for child in obj.children:
            child_obj = registry.get(child.object_name)
            child_q = direct_filter(child_obj, p, "read")
            if child_q is NOTHING:
                continue
            rows = child_obj.model.objects.unrestricted().filter(
                **{f"{child.field}__isnull": False}
            )
            if child_q is not None:
                rows = rows.filter(child_q)
            branches.append(Q(pk__in=rows.values(child.field)))
    # An empty Q (criteria with no conditions) opens nothing in an OR, but everything alone.
    return [b for b in branches if b]


def direct_filter(obj: registry.ObjectDef, p: Principals, action: str) -> Q | None:
    """Access to a record other than through its parent: used for implicit parent read."""
    if not p.object_permission(obj.name, action):
        return NOTHING
    if p.object_permission(obj.name, "modify_all") or p.system_permission("modify_all_data"):
        return None
    if action == "read" and (
        p.object_permission(obj.name, "view_all") or p.system_permission("view_all_data")
    ):
        return None
    owd = p.owd.get(obj.name, obj.default_owd)
    if action == "read" and owd in (OWD_READ, OWD_READ_WRITE):
        return None
    return any_of(_owned_by_me_or_below(p) + _direct_grants(obj, p, action))


def _in(values) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


# The share and hierarchy sub-queries are written as SQL: they are built on every request
# for every list, and the ORM spends more time composing them than the database running them.
def _users_below(p: Principals) -> RawSQL:
    below = sorted(p.below_role_ids)
    return RawSQL(f"SELECT id FROM {User._meta.db_table} WHERE role_id IN {_in(below)}", below)


def _owned_by_me_or_below(p: Principals) -> list[Q]:
    branches = [Q(owner_id=p.user_id)]
    if p.below_role_ids:
        branches.append(Q(owner_id__in=_users_below(p)))
    return branches


def _direct_grants(obj: registry.ObjectDef, p: Principals, action: str) -> list[Q]:
    branches = []
    if obj.queue_owned and p.group_ids:
        branches.append(Q(owner_queue_id__in=sorted(p.group_ids)))
    for rule in p.sharing_rules(obj.name):
        if action == "edit" and rule.access_level != READ_WRITE:
            continue
        if not p.matches_target(rule.target_kind, rule.target_id):
            continue
        try:
            branches.append(rule_filter(obj, rule))
        except ValidationError:
            # Criteria that no longer make sense (a deleted field, a bad value) open nothing,
            # rather than taking the whole object down for everyone the rule reaches.
            logger.warning("Sharing rule %s (%s) is invalid and opens nothing", rule.pk, rule.name)
    branches.append(Q(pk__in=_manual_shares(obj, p, action)))
    return branches


def _manual_shares(obj: registry.ObjectDef, p: Principals, action: str) -> RawSQL:
    """The ids of records shared by hand with me, my subordinates, my roles or my groups."""
    targets = ["(target_kind = %s AND target_id = %s)"]
    params: list = [TARGET_USER, p.user_id]
    if p.below_role_ids:
        below = sorted(p.below_role_ids)
        targets.append(
            f"(target_kind = %s AND target_id IN (SELECT id FROM {User._meta.db_table}"
            f" WHERE role_id IN {_in(below)}))"
        )
        params += [TARGET_USER, *below]
    if p.subtree_role_ids:
        subtree = sorted(p.subtree_role_ids)
        targets.append(f"(target_kind = %s AND target_id IN {_in(subtree)})")
        params += [TARGET_ROLE, *subtree]
        subs = sorted(p.subtree_role_ids | p.subs_ancestor_role_ids)
        targets.append(f"(target_kind = %s AND target_id IN {_in(subs)})")
        params += [TARGET_ROLE_SUBS, *subs]
    if p.group_ids:
        groups = sorted(p.group_ids)
        targets.append(f"(target_kind = %s AND target_id IN {_in(groups)})")
        params += [TARGET_GROUP, *groups]
    sql = (
        f"SELECT record_id FROM {RecordShare._meta.db_table} WHERE object_name = %s"
        f" AND ({' OR '.join(targets)})"
    )
    params.insert(0, obj.name)
    if action == "edit":
        sql += " AND access_level = %s"
        params.append(READ_WRITE)
    return RawSQL(sql, params)


def rule_filter(obj: registry.ObjectDef, rule: SharingRule) -> Q:
    """The records a sharing rule opens, whoever it opens them to."""
    if rule.kind == SharingRule.KIND_CRITERIA:
        return conditions_q(obj, rule.criteria, rule.criteria_logic)
    users, roles = group_source_members(rule.source_kind, rule.source_id)
    owners = User.objects.filter(Q(pk__in=sorted(users)) | Q(role_id__in=sorted(roles)))
    return Q(owner_id__in=owners.values("pk"))


def group_source_members(kind: str, target_id: int) -> tuple[set[int], set[int]]:
    """Users and roles that are members of a role, role-and-subordinates or group (no hierarchy)."""
    users: set[int] = set()
    roles: set[int] = set()
    seen_groups: set[int] = set()

    def add(kind, target_id):
        if kind == TARGET_USER:
            users.add(target_id)
        elif kind == TARGET_ROLE:
            roles.add(target_id)
        elif kind == TARGET_ROLE_SUBS:
            roles.update(subordinate_role_ids(target_id))
        elif kind == TARGET_GROUP and target_id not in seen_groups:
            seen_groups.add(target_id)
            for m in GroupMember.objects.filter(group_id=target_id):
                add(m.kind, m.user_id or m.role_id or m.member_group_id)

    add(kind, target_id)
    return users, roles


def subordinate_role_ids(role_id: int) -> set[int]:
    """The roles in "Role and Subordinates": the role and, below it, roles of the same kind.

    Below an internal role that means its internal subordinates only: partner roles sit under
    their channel manager's role, and a rule for "VP Sales and Subordinates" must not open
    records to every partner company (Salesforce's "Role and Internal Subordinates"). Below a
    partner role every role is a partner role of the same partner account.
    """
    below = RoleClosure.objects.filter(ancestor_id=role_id)
    if not Role.objects.filter(pk=role_id, partner_account__isnull=False).exists():
        below = below.filter(descendant__partner_account__isnull=True)
    return set(below.values_list("descendant_id", flat=True)) | {role_id}


def visible_page(qs, user, action: str, start: int, stop: int) -> list:
    """`qs.visible_to(user, action)[start:stop]`, the same rows in the same order, faster.

    `qs` is an unrestricted queryset ordered by a total order (its last key the primary key).
    A row among the first `stop` of the union of the door's branches is among the first `stop`
    of its own branch, so each branch is cut to `stop` rows in the list's order (a short index
    walk for the database) and the page is taken from that union of at most branches x stop
    rows — instead of one OR that each planner misjudges (docs/performance.md).
    """
    return list(page_queryset(qs, user, action, start, stop))


def page_queryset(qs, user, action: str, start: int, stop: int):
    """The single query behind `visible_page` (the benchmark reads its SQL)."""
    branches = access_branches(qs.model, user, action)
    if branches is None:
        return qs.unrestricted()[start:stop]
    if not branches:
        return qs.none()
    ordering = list(qs.query.order_by)
    if (
        len(branches) == 1
        or stop > TOP_N_LIMIT
        or not ordering
        or str(ordering[-1]).lstrip("-") not in ("pk", "id")
        or qs.query.distinct
        or qs.query.combinator
    ):
        return qs.unrestricted().filter(any_of(branches))[start:stop]
    parts, params = [], []
    for i, (sql, branch_params) in enumerate(_branch_queries(qs, branches, stop)):
        parts.append(f"SELECT * FROM ({sql}) AS door_branch_{i}")
        params.extend(branch_params)
    if not parts:
        return qs.none()
    union = RawSQL(" UNION ALL ".join(parts), params)
    return qs.unrestricted().filter(pk__in=union)[start:stop]


_MARK = "'door_branch' = 'door_branch'"


def _branch_queries(qs, branches, stop):
    """(sql, params) of `SELECT pk ... WHERE <the list's filters> AND <branch> ORDER BY ... LIMIT`
    for each branch. The list's query is compiled once with a marker where the branch goes and
    each branch's condition on its own (the ORM compiling whole queries was most of the cost);
    a branch that needs more than its own columns is compiled the long way."""
    template_sql, template_params = (
        qs.unrestricted().extra(where=[_MARK]).values_list("pk")[:stop].query.sql_with_params()
    )
    at = template_sql.find(_MARK)
    before = template_sql[:at].replace("%%", "").count("%s") if at >= 0 else -1
    compiler = qs.query.get_compiler(using=qs.db)
    for branch in branches:
        try:
            if at < 0 or template_sql.count(_MARK) != 1:
                raise FieldError("no single marker")
            where = Query(qs.model).build_where(branch)
            sql, params = compiler.compile(where)
        except EmptyResultSet:
            continue  # a branch that can match nothing
        except (FieldError, FullResultSet, NotImplementedError):
            sql, params = (
                qs.unrestricted().filter(branch).values_list("pk")[:stop].query.sql_with_params()
            )
            yield sql, params
            continue
        yield (
            template_sql.replace(_MARK, f"({sql})"),
            [*template_params[:before], *params, *template_params[before:]],
        )


def can(user, action: str, record) -> bool:
    """Whether `user` may `action` this one record (one indexed query)."""
    return type(record).objects.visible_to(user, action).filter(pk=record.pk).exists()


def can_create(user, object_name: str) -> bool:
    """The profile's create permission (read from the profile: no principals to resolve)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    profile = getattr(user, "profile", None)
    return bool(
        user.is_active
        and profile is not None
        and profile.has_object_permission(object_name, "create")
    )
