"""The role hierarchy's closure table, and the checks that keep the tree a tree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.access.models import Role, RoleClosure


def rebuild_role_closure() -> None:
    """Recompute every (ancestor, descendant) pair. Roles are few, so this is quick."""
    parents = dict(Role.objects.values_list("pk", "parent_id"))
    rows = []
    for role_id in parents:
        node, depth, seen = role_id, 0, set()
        while node is not None and node not in seen:
            seen.add(node)
            rows.append(RoleClosure(ancestor_id=node, descendant_id=role_id, depth=depth))
            node, depth = parents.get(node), depth + 1
    with transaction.atomic():
        RoleClosure.objects.all().delete()
        RoleClosure.objects.bulk_create(rows, batch_size=2000)


def check_parent(role: Role, parent: Role | None) -> None:
    """Refuse a parent that would make the role report to itself."""
    if parent is None or role.pk is None:
        return
    if (
        parent.pk == role.pk
        or RoleClosure.objects.filter(ancestor_id=role.pk, descendant_id=parent.pk).exists()
    ):
        raise ValidationError(
            {"parent": _("A role cannot report to itself or to a role below it.")}
        )


def save_role(role: Role) -> Role:
    """Save a role and bring the closure table up to date in the same transaction."""
    with transaction.atomic():
        check_parent(role, role.parent)
        role.save()
        rebuild_role_closure()
    return role


def role_tree() -> list[tuple[Role, int]]:
    """All roles depth-first, each with its depth, for the tree in Setup."""
    roles = list(Role.objects.all())
    children: dict[int | None, list[Role]] = {}
    for r in roles:
        children.setdefault(r.parent_id, []).append(r)
    out: list[tuple[Role, int]] = []

    def walk(parent_id, depth):
        for r in children.get(parent_id, []):
            out.append((r, depth))
            walk(r.pk, depth + 1)

    walk(None, 0)
    return out
