"""The door's core promises, in the words a sales manager would use."""

from tandem.access.door import can
from tandem.access.models import OrgDefault
from tandem.sales.models import Lead
from tests import factories as f


def test_private_lead_seen_by_owner_and_managers_only(org):
    lead = f.lead(org.owner)
    assert can(org.owner, "read", lead)
    assert can(org.manager, "edit", lead)
    assert can(org.ceo, "delete", lead)
    assert not can(org.teammate, "read", lead)
    assert not can(org.outsider, "read", lead)
    assert can(org.admin, "delete", lead)
    assert list(Lead.objects.visible_to(org.teammate)) == []


def test_public_read_only_lets_everyone_read_but_not_edit(org):
    OrgDefault.objects.filter(object_name="lead").update(internal_access="read")
    lead = f.lead(org.owner)
    outsider = type(org.outsider).objects.get(pk=org.outsider.pk)
    assert can(outsider, "read", lead)
    assert not can(outsider, "edit", lead)
