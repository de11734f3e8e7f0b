"""Shared data for lead distribution tests: a sales team, a partner queue and helpers."""

import pytest

from tandem.access.models import Group, GroupMember
from tandem.assignment.models import (
    AssignmentRule,
    AssignmentRuleEntry,
    RoundRobinGroup,
    RoundRobinMember,
)
from tandem.core.models import Company
from tests import factories as f


@pytest.fixture
def team(org):
    """The org of tests/conftest.py plus three reps, a queue and a default lead owner."""

    class Team:
        pass

    t = Team()
    t.org = org
    t.admin = org.admin
    t.reps = [
        f.user(f"rep{i}@example.com", role=org.rep_role, first_name=f"Rep{i}") for i in range(3)
    ]
    t.queue = Group.objects.create(
        name="Inbound Leads", kind=Group.KIND_QUEUE, queue_objects=["lead"]
    )
    GroupMember.objects.create(group=t.queue, kind="user", user=org.teammate)
    t.default_owner = org.manager
    company = Company.current()
    company.default_lead_owner = t.default_owner
    company.save()
    return t


def make_group(name, members, position=0):
    """A round-robin group of (user or queue, weight) pairs."""
    group = RoundRobinGroup.objects.create(name=name, position=position)
    for i, (target, weight) in enumerate(members):
        kind = "queue" if isinstance(target, Group) else "user"
        RoundRobinMember.objects.create(group=group, weight=weight, sort_order=i, **{kind: target})
    return group


def make_rule(entries, name="Lead rule", active=True):
    """An assignment rule with entries given as dicts of AssignmentRuleEntry fields."""
    rule = AssignmentRule.objects.create(name=name, object_name="lead", is_active=active)
    for i, values in enumerate(entries):
        values = dict(values)
        if "target_kind" not in values and not values.get("do_not_reassign"):
            values["target_kind"] = (
                "user" if "user" in values else "queue" if "queue" in values else "round_robin"
            )
        AssignmentRuleEntry.objects.create(rule=rule, sort_order=(i + 1) * 10, **values)
    return rule
