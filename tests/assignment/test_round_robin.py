"""Round-robin groups: even turns, weights, a rotation that is stored and race-free."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from tandem.assignment.actions import next_assignee, rotation
from tandem.assignment.models import RoundRobinGroup
from tests import factories as f
from tests.assignment.conftest import make_group


def picks(group, n):
    return [str(next_assignee(group).target) for _ in range(n)]


def test_turns_go_around_evenly_in_member_order(team):
    a, b, c = team.reps
    group = make_group("Reps", [(a, 1), (b, 1), (c, 1)])
    assert picks(group, 7) == [str(a), str(b), str(c), str(a), str(b), str(c), str(a)]


def test_weights_give_that_many_turns_per_cycle_spread_out(team):
    a, b, c = team.reps
    group = make_group("Weighted", [(a, 3), (b, 1), (c, 2)])
    cycle = picks(group, 6)
    assert Counter(cycle) == {str(a): 3, str(b): 1, str(c): 2}
    assert cycle[0] == cycle[2] == str(a) and cycle[1] != str(a), (
        "a heavy member does not get a run"
    )
    assert Counter(picks(group, 60)) == {str(a): 30, str(b): 10, str(c): 20}


def test_queues_and_users_share_a_rotation(team):
    group = make_group("Mixed", [(team.queue, 1), (team.reps[0], 1)])
    assert picks(group, 4) == [str(team.queue), str(team.reps[0])] * 2


def test_rotation_is_stored_so_a_restart_continues_where_it_stopped(team):
    a, b, c = team.reps
    group = make_group("Reps", [(a, 1), (b, 1), (c, 1)])
    picks(group, 2)
    reloaded = RoundRobinGroup.objects.get(pk=group.pk)  # as a new process would load it
    assert reloaded.position == 2
    assert picks(reloaded, 1) == [str(c)]


def test_inactive_users_are_skipped_and_an_empty_group_says_so(team):
    a, b, _c = team.reps
    group = make_group("Two", [(a, 1), (b, 1)])
    b.is_active = False
    b.save()
    assert set(picks(group, 4)) == {str(a)}
    a.is_active = False
    a.save()
    with pytest.raises(ValidationError, match="has no active members"):
        next_assignee(group)
    assert RoundRobinGroup.objects.get(pk=group.pk).position == 4, "a refused pick takes no turn"


def test_inactive_group_hands_out_nothing(team):
    group = make_group("Off", [(team.reps[0], 1)])
    RoundRobinGroup.objects.filter(pk=group.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="inactive"):
        next_assignee(group)


def test_rotation_cycle_has_exact_shares():
    class M:
        def __init__(self, name, weight):
            self.name, self.weight = name, weight

    members = [M("a", 5), M("b", 1), M("c", 1)]
    cycle = [m.name for m in rotation(members)]
    assert Counter(cycle) == {"a": 5, "b": 1, "c": 1}
    assert cycle == ["a", "a", "b", "a", "c", "a", "a"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_picks_give_each_member_its_exact_share(org):
    """8 threads × 15 picks at the same instant: weights 1, 2, 1 → 30, 60, 30, no pick lost."""
    users = [f.user(f"rr{i}@example.com") for i in range(3)]
    group = make_group("Race", [(users[0], 1), (users[1], 2), (users[2], 1)])
    threads_n, picks_n = 8, 15
    barrier = threading.Barrier(threads_n)
    results, errors = [], []

    def worker():
        close_old_connections()
        try:
            barrier.wait()
            mine = [
                next_assignee(RoundRobinGroup.objects.get(pk=group.pk)).user_id
                for _ in range(picks_n)
            ]
            results.extend(mine)
        except Exception as exc:  # noqa: BLE001  a lock error would be a failure of next_assignee
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(results) == threads_n * picks_n
    assert Counter(results) == {users[0].pk: 30, users[1].pk: 60, users[2].pk: 30}
    assert RoundRobinGroup.objects.get(pk=group.pk).position == threads_n * picks_n


@pytest.mark.django_db(transaction=True)
def test_concurrent_lead_creation_through_rules_stays_even(org):
    """6 people create 5 leads each at once through a rule with a round-robin target: 10 each."""
    from tandem.assignment.actions import create_and_assign
    from tandem.core import registry
    from tandem.sales.models import Lead
    from tests.assignment.conftest import make_rule

    reps = [f.user(f"even{i}@example.com", role=org.rep_role) for i in range(3)]
    creators = [f.user(f"creator{i}@example.com", role=org.rep_role) for i in range(6)]
    group = make_group("Even", [(r, 1) for r in reps])
    make_rule([{"criteria": [], "round_robin": group}])
    barrier = threading.Barrier(len(creators))
    errors = []

    def worker(creator):
        close_old_connections()
        try:
            barrier.wait()
            me = type(creator).objects.get(pk=creator.pk)
            for i in range(5):
                create_and_assign(me, registry.get("lead"), {"last_name": f"L{i}", "company": "C"})
        except Exception as exc:  # noqa: BLE001  a lock error would be a failure of the action
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in creators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert errors == []
    counts = Counter(Lead.objects.unrestricted().values_list("owner_id", flat=True))
    assert counts == {r.pk: 10 for r in reps}
