"""Setup lists cost the same number of queries whatever the number of rows (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.access.models import Group, GroupMember, Profile
from tests import factories as f


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(n, start):
    parent = None
    for i in range(n):
        parent = f.role(f"Role {start + i}", parent)
        f.user(f"u{start + i}@example.com", role=parent)
        group = Group.objects.create(name=f"Group {start + i}")
        GroupMember.objects.create(group=group, kind="role", role=parent)
        Profile.objects.create(name=f"Profile {start + i}")


def test_setup_lists_do_not_grow_with_rows(admin_web):
    urls = [
        reverse("setup:users"),
        reverse("setup:roles"),
        reverse("setup:profiles"),
        reverse("setup:groups"),
    ]
    grow(3, 0)
    small = {url: queries(admin_web, url) for url in urls}
    grow(12, 100)
    large = {url: queries(admin_web, url) for url in urls}
    assert large == small
