"""Profiles (the permission grid, clone, delete) and the role hierarchy."""

from django.urls import reverse

from tandem.access.hierarchy import role_tree
from tandem.access.models import OBJECT_ACTIONS, SYSTEM_PERMISSIONS, Profile, Role, RoleClosure
from tandem.core import registry
from tests import factories as f


def grid_data(profile, **overrides):
    data = {"name": profile.name, "description": profile.description}
    for obj in registry.all_objects():
        for action in OBJECT_ACTIONS:
            if profile.object_permissions.get(obj.name, {}).get(action):
                data[f"perm__{obj.name}__{action}"] = "on"
    for name, _label in SYSTEM_PERMISSIONS:
        if profile.system_permissions.get(name):
            data[f"sys__{name}"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_profile_grid_saves_ticks_and_what_they_need(admin_web):
    profile = Profile.objects.create(name="Marketing", object_permissions={}, system_permissions={})
    data = grid_data(
        profile, perm__lead__delete="on", perm__account__read="on", sys__export_reports="on"
    )
    response = admin_web.post(reverse("setup:profile", args=[profile.pk]), data)
    assert response.status_code == 302
    profile.refresh_from_db()
    # Delete needs Edit and Read: they are ticked too.
    assert profile.object_permissions["lead"] == {
        "read": True,
        "create": False,
        "edit": True,
        "delete": True,
        "view_all": False,
        "modify_all": False,
    }
    assert profile.object_permissions["account"]["read"] is True
    assert profile.object_permissions["opportunity"]["read"] is False
    assert profile.has_system_permission("export_reports")
    assert not profile.has_system_permission("manage_users")


def test_profile_grid_shows_every_object_and_action(admin_web):
    profile = Profile.objects.get(name="Standard User")
    html = admin_web.get(reverse("setup:profile", args=[profile.pk])).content.decode()
    for obj in registry.all_objects():
        for action in OBJECT_ACTIONS:
            assert f'name="perm__{obj.name}__{action}"' in html
    for name, _label in SYSTEM_PERMISSIONS:
        assert f'name="sys__{name}"' in html


def test_profile_name_clash_refused(admin_web):
    profile = Profile.objects.create(name="Marketing")
    response = admin_web.post(
        reverse("setup:profile", args=[profile.pk]), grid_data(profile, name="Read Only")
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    profile.refresh_from_db()
    assert profile.name == "Marketing"


def test_admin_cannot_remove_customise_from_own_profile(admin_web, admin_user):
    profile = admin_user.profile
    response = admin_web.post(
        reverse("setup:profile", args=[profile.pk]),
        grid_data(profile, sys__customize_application=None),
    )
    assert response.status_code == 400
    assert "sys__customize_application" in response.context["form"].errors
    profile.refresh_from_db()
    assert profile.has_system_permission("customize_application")


def test_clone_profile_copies_permissions(admin_web):
    source = Profile.objects.get(name="Standard User")
    response = admin_web.post(
        reverse("setup:profile_clone", args=[source.pk]), {"name": "Sales Rep Plus"}
    )
    assert response.status_code == 302
    clone = Profile.objects.get(name="Sales Rep Plus")
    assert clone.object_permissions == source.object_permissions
    assert clone.system_permissions == source.system_permissions
    assert not clone.is_standard
    response = admin_web.post(
        reverse("setup:profile_clone", args=[source.pk]), {"name": "sales rep plus"}
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert Profile.objects.filter(name__iexact="sales rep plus").count() == 1


def test_standard_profiles_cannot_be_deleted(admin_web):
    standard = Profile.objects.get(name="Read Only")
    response = admin_web.post(reverse("setup:profile_delete", args=[standard.pk]))
    assert response.status_code == 409
    assert "Standard profiles cannot be deleted" in response.content.decode()
    assert Profile.objects.filter(pk=standard.pk).exists()


def test_profile_in_use_cannot_be_deleted_and_unused_one_can(admin_web):
    used = Profile.objects.create(name="Used")
    u = f.user("x@example.com")
    u.profile = used
    u.save()
    response = admin_web.post(reverse("setup:profile_delete", args=[used.pk]))
    assert response.status_code == 409
    assert str(u) in response.content.decode()
    unused = Profile.objects.create(name="Unused")
    assert admin_web.post(reverse("setup:profile_delete", args=[unused.pk])).status_code == 302
    assert not Profile.objects.filter(pk=unused.pk).exists()


def test_roles_shown_as_a_tree(admin_web, org):
    html = admin_web.get(reverse("setup:roles")).content.decode()
    positions = [html.index(name) for name in ("CEO", "VP Sales", "Sales Rep")]
    assert positions == sorted(positions)
    assert "calc(1rem + 2 * 1.25rem)" in html  # Sales Rep is two levels down
    form = admin_web.get(reverse("setup:role_add")).content.decode()
    assert (
        "&nbsp;&nbsp;&nbsp;&nbsp;Sales Rep" in form or "\u00a0\u00a0\u00a0\u00a0Sales Rep" in form
    )


def test_add_child_rename_and_move_a_role(admin_web, org):
    response = admin_web.post(
        reverse("setup:role_add"), {"name": "EMEA Rep", "parent": org.vp_role.pk}
    )
    assert response.status_code == 302
    emea = Role.objects.get(name="EMEA Rep")
    assert emea.parent == org.vp_role
    assert RoleClosure.objects.filter(ancestor=org.ceo_role, descendant=emea).exists()

    response = admin_web.post(
        reverse("setup:role_edit", args=[emea.pk]),
        {"name": "EMEA Support", "parent": org.support_role.pk},
    )
    assert response.status_code == 302
    emea.refresh_from_db()
    assert (emea.name, emea.parent) == ("EMEA Support", org.support_role)
    assert RoleClosure.objects.filter(ancestor=org.support_role, descendant=emea).exists()
    assert not RoleClosure.objects.filter(ancestor=org.vp_role, descendant=emea).exists()


def test_moving_a_role_under_its_own_subordinate_is_refused(admin_web, org):
    before = list(
        RoleClosure.objects.values_list("ancestor", "descendant", "depth").order_by(
            "ancestor", "descendant"
        )
    )
    response = admin_web.post(
        reverse("setup:role_edit", args=[org.ceo_role.pk]),
        {"name": "CEO", "parent": org.rep_role.pk},
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    org.ceo_role.refresh_from_db()
    assert org.ceo_role.parent is None
    after = list(
        RoleClosure.objects.values_list("ancestor", "descendant", "depth").order_by(
            "ancestor", "descendant"
        )
    )
    assert after == before
    response = admin_web.post(
        reverse("setup:role_edit", args=[org.vp_role.pk]),
        {"name": "VP Sales", "parent": org.vp_role.pk},
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors


def test_role_with_users_or_children_cannot_be_deleted(admin_web, org):
    response = admin_web.post(reverse("setup:role_delete", args=[org.vp_role.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sales Rep" in html  # the child role, named
    assert org.manager.full_name in html  # the user, named
    assert Role.objects.filter(pk=org.vp_role.pk).exists()

    lonely = f.role("Lonely", org.ceo_role)
    assert admin_web.post(reverse("setup:role_delete", args=[lonely.pk])).status_code == 302
    assert not Role.objects.filter(pk=lonely.pk).exists()
    assert lonely.pk not in {r.pk for r, _depth in role_tree()}


def test_blank_role_name_refused(admin_web):
    response = admin_web.post(reverse("setup:role_add"), {"name": "  ", "parent": ""})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Role.objects.exists()


def test_role_used_by_a_sharing_rule_cannot_be_deleted(admin_web, org):
    from tandem.access.models import SharingRule

    spare = f.role("Spare", org.ceo_role)
    SharingRule.objects.create(
        object_name="lead",
        name="To spare",
        source_kind="role",
        source_id=org.rep_role.pk,
        target_kind="role_and_subordinates",
        target_id=spare.pk,
        access_level="read",
    )
    response = admin_web.post(reverse("setup:role_delete", args=[spare.pk]))
    assert response.status_code == 409
    assert "To spare" in response.content.decode()
    assert Role.objects.filter(pk=spare.pk).exists()
