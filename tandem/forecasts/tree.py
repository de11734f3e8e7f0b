"""The forecast hierarchy: people arranged by the role hierarchy, so every deal counts once.

Each role's *forecast manager* is the first active person placed in it (lowest id). The
forecast manager's figures roll up their own deals and everyone's in the roles below; the
other people in the same role forecast only their own deals (as in Salesforce, where a
role has one forecast manager). Roles nobody holds are skipped: the people below them
report to the nearest held role above. Users without a role forecast only their own deals.

Built from two small queries (roles, users); records are never read here.
"""

from dataclasses import dataclass, field

from tandem.access.models import Role, User


@dataclass
class Person:
    pk: int
    name: str
    role_id: int | None
    role_name: str = ""
    is_manager: bool = False  # the forecast manager of their role
    children: list = field(default_factory=list)  # Person, in display order


class ForecastTree:
    def __init__(self):
        roles = list(
            Role.objects.order_by("sort_order", "name", "pk").values("pk", "parent_id", "name")
        )
        self.role_names = {r["pk"]: r["name"] for r in roles}
        self.role_parent = {r["pk"]: r["parent_id"] for r in roles}
        self.role_children: dict[int | None, list[int]] = {}
        for r in roles:
            self.role_children.setdefault(r["parent_id"], []).append(r["pk"])
        self.people: dict[int, Person] = {}
        self.by_role: dict[int, list[Person]] = {}
        users = (
            User.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", "first_name", "last_name", "email", "role_id")
        )
        for pk, first, last, email, role_id in users:
            person = Person(pk, f"{first} {last}".strip() or email, role_id)
            if role_id is not None:
                person.role_name = self.role_names.get(role_id, "")
                members = self.by_role.setdefault(role_id, [])
                person.is_manager = not members
                members.append(person)
            self.people[pk] = person
        self.parent_of: dict[int, int] = {}
        for members in self.by_role.values():
            manager = members[0]
            manager.children = self._reports_below(manager.role_id)
            for child in manager.children:
                self.parent_of[child.pk] = manager.pk

    def _reports_below(self, role_id: int) -> list[Person]:
        """The people directly under a role: everyone in the nearest held roles below it."""
        out: list[Person] = []
        for child_role in self.role_children.get(role_id, []):
            members = self.by_role.get(child_role)
            if members:
                out.extend(sorted(members, key=lambda p: (not p.is_manager, p.name.lower(), p.pk)))
            else:
                out.extend(self._reports_below(child_role))
        return out

    def get(self, pk: int) -> Person | None:
        return self.people.get(pk)

    def subtree_ids(self, pk: int) -> list[int]:
        """The person and everyone who rolls up to them."""
        out, stack = [], [self.people[pk]]
        while stack:
            person = stack.pop()
            out.append(person.pk)
            stack.extend(person.children)
        return out

    def walk(self, person: Person, depth: int = 0) -> list[tuple[Person, int]]:
        """The person and everyone below, in display order, each with their depth."""
        out = [(person, depth)]
        for child in person.children:
            out.extend(self.walk(child, depth + 1))
        return out

    def everyone(self) -> list[tuple[Person, int]]:
        """The whole hierarchy in display order, then people without a role."""
        out = [pair for root in self.roots() for pair in self.walk(root)]
        seen = {p.pk for p, _ in out}
        out += [(p, 0) for p in self.people.values() if p.pk not in seen]
        return out

    def roots(self) -> list[Person]:
        """The top of the hierarchy: people in the highest held roles (for a roleless admin)."""
        out: list[Person] = []
        for role_id in self.role_children.get(None, []):
            members = self.by_role.get(role_id)
            if members:
                out.extend(members)
            else:
                out.extend(self._reports_below(role_id))
        return out

    def is_above(self, upper_pk: int, lower_pk: int) -> bool:
        """Whether the lower person's role is strictly below the upper person's role."""
        upper, lower = self.people.get(upper_pk), self.people.get(lower_pk)
        if not upper or not lower or upper.role_id is None or lower.role_id is None:
            return False
        parents = self.role_parent
        node, seen = parents.get(lower.role_id), set()
        while node is not None and node not in seen:
            if node == upper.role_id:
                return True
            seen.add(node)
            node = parents.get(node)
        return False
