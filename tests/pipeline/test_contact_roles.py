"""Contact roles: exactly one primary per opportunity, contacts limited to those the user sees."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse

from tandem.pipeline.actions import add_contact_role, make_primary, remove_contact_role
from tandem.pipeline.models import OpportunityContactRole
from tests import factories as f
from tests.pipeline.conftest import fresh


def _primaries(opp):
    return list(
        OpportunityContactRole.objects.filter(opportunity=opp, is_primary=True).values_list(
            "contact_id", flat=True
        )
    )


@pytest.fixture
def people(pipe):
    owner = pipe.org.owner
    return [f.contact(owner, pipe.acme, last_name=name) for name in ("Ada", "Bo", "Cy")]


def test_first_role_is_primary_and_make_primary_flips(pipe, people):
    owner = fresh(pipe.org.owner)
    ada = add_contact_role(owner, pipe.big, people[0], "Decision Maker")
    bo = add_contact_role(owner, pipe.big, people[1], "Influencer")
    assert _primaries(pipe.big) == [people[0].pk]
    make_primary(owner, pipe.big, bo.pk)
    assert _primaries(pipe.big) == [people[1].pk]
    add_contact_role(owner, pipe.big, people[2], "Evaluator", is_primary=True)
    assert _primaries(pipe.big) == [people[2].pk]
    ada.refresh_from_db()
    assert not ada.is_primary


def test_removing_the_primary_promotes_the_oldest(pipe, people):
    owner = fresh(pipe.org.owner)
    first = add_contact_role(owner, pipe.big, people[0], "Decision Maker")
    add_contact_role(owner, pipe.big, people[1], "Influencer")
    add_contact_role(owner, pipe.big, people[2], "Other")
    remove_contact_role(owner, pipe.big, first.pk)
    assert _primaries(pipe.big) == [people[1].pk]


def test_database_refuses_two_primaries(pipe, people):
    OpportunityContactRole.objects.create(
        opportunity=pipe.big, contact=people[0], role="Other", is_primary=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityContactRole.objects.create(
            opportunity=pipe.big, contact=people[1], role="Other", is_primary=True
        )


def test_bad_role_duplicate_and_invisible_contact_are_named(pipe, people):
    owner = fresh(pipe.org.owner)
    with pytest.raises(ValidationError, match="Role"):
        add_contact_role(owner, pipe.big, people[0], "Boss")
    add_contact_role(owner, pipe.big, people[0], "Other")
    with pytest.raises(ValidationError, match="already has a role"):
        add_contact_role(owner, pipe.big, people[0], "Evaluator")
    hidden = f.contact(pipe.org.outsider, last_name="Hidden")
    with pytest.raises(ValidationError, match="Contact: choose a contact you can see"):
        add_contact_role(owner, pipe.big, hidden, "Other")


def test_read_only_user_cannot_change_roles(pipe, people):
    role = add_contact_role(fresh(pipe.org.owner), pipe.big, people[0], "Other")
    with pytest.raises(PermissionDenied):
        make_primary(fresh(pipe.org.outsider), pipe.big, role.pk)
    with pytest.raises(PermissionDenied):
        remove_contact_role(fresh(pipe.org.outsider), pipe.big, role.pk)


def test_panel_lists_only_visible_contacts(client, pipe, people):
    owner = fresh(pipe.org.owner)
    add_contact_role(owner, pipe.big, people[0], "Decision Maker")
    hidden = f.contact(pipe.org.outsider, last_name="Zed")
    OpportunityContactRole.objects.create(opportunity=pipe.big, contact=hidden, role="Other")
    client.force_login(pipe.org.owner)
    response = client.get(pipe.big.get_absolute_url())
    panel = next(
        p
        for p in response.context["panels"]
        if p["template"] == "pipeline/contact_roles_panel.html"
    )
    assert [r.contact_id for r in panel["roles"]] == [people[0].pk]
    assert panel["hidden"] == 1
    choices = list(panel["form"].fields["contact"].queryset)
    assert hidden not in choices and people[0] not in choices and people[1] in choices
    assert "Zed" not in response.content.decode()


def test_panel_views_add_primary_remove(client, pipe, people):
    client.force_login(pipe.org.owner)
    add = reverse("pipeline:contact_role_add", args=[pipe.big.pk])
    client.post(add, {"contact": people[0].pk, "role": "Decision Maker"})
    client.post(add, {"contact": people[1].pk, "role": "Economic Buyer"})
    bo = OpportunityContactRole.objects.get(contact=people[1])
    client.post(reverse("pipeline:contact_role_primary", args=[pipe.big.pk, bo.pk]))
    assert _primaries(pipe.big) == [people[1].pk]
    client.post(reverse("pipeline:contact_role_remove", args=[pipe.big.pk, bo.pk]))
    assert _primaries(pipe.big) == [people[0].pk]
    response = client.post(add, {"contact": people[2].pk, "role": "Nope"}, follow=True)
    assert "Role:" in response.content.decode()


def test_panel_views_hide_invisible_opportunity(client, pipe, people):
    client.force_login(pipe.org.outsider)
    response = client.post(
        reverse("pipeline:contact_role_add", args=[pipe.small.pk]),
        {"contact": people[0].pk, "role": "Other"},
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_people_make_different_primaries_at_once(pipe, people):
    owner, manager = pipe.org.owner, pipe.org.manager
    roles = [add_contact_role(fresh(owner), pipe.big, c, "Other") for c in people[:3]]
    for _round in range(3):
        barrier = threading.Barrier(2)
        errors = []

        def worker(user, role_id, barrier=barrier, errors=errors):
            close_old_connections()
            try:
                barrier.wait()
                make_primary(fresh(user), pipe.big, role_id)
            except Exception as exc:  # noqa: BLE001 (any failure is a failure of the action)
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(owner, roles[1].pk)),
            threading.Thread(target=worker, args=(manager, roles[2].pk)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        primaries = _primaries(pipe.big)
        assert len(primaries) == 1 and primaries[0] in (people[1].pk, people[2].pk)
