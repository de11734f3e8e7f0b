from django.urls import path

from tandem.access.models import Group
from tandem.setup.views import (
    company,
    fields,
    groups,
    home,
    layouts,
    picklists,
    profiles,
    roles,
    sharing,
    users,
)

app_name = "setup"

urlpatterns = [
    path("", home.home, name="home"),
    # Users
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_add, name="user_add"),
    path("users/<int:pk>/", users.user_detail, name="user"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/invite/", users.user_invite, name="user_invite"),
    path("users/<int:pk>/reset-password/", users.user_reset_password, name="user_reset_password"),
    path(
        "users/<int:pk>/deactivate/",
        users.user_set_active,
        {"active": False},
        name="user_deactivate",
    ),
    path("users/<int:pk>/activate/", users.user_set_active, {"active": True}, name="user_activate"),
    # Profiles
    path("profiles/", profiles.profile_list, name="profiles"),
    path("profiles/<int:pk>/", profiles.profile_edit, name="profile"),
    path("profiles/<int:pk>/clone/", profiles.profile_clone, name="profile_clone"),
    path("profiles/<int:pk>/delete/", profiles.profile_delete, name="profile_delete"),
    # Roles
    path("roles/", roles.role_list, name="roles"),
    path("roles/new/", roles.role_add, name="role_add"),
    path("roles/<int:pk>/edit/", roles.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", roles.role_delete, name="role_delete"),
    # Public groups and queues
    path("groups/", groups.group_list, {"kind": Group.KIND_GROUP}, name="groups"),
    path("groups/new/", groups.group_add, {"kind": Group.KIND_GROUP}, name="group_add"),
    path("queues/", groups.group_list, {"kind": Group.KIND_QUEUE}, name="queues"),
    path("queues/new/", groups.group_add, {"kind": Group.KIND_QUEUE}, name="queue_add"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", groups.group_delete, name="group_delete"),
    # Organisation-wide defaults and sharing rules
    path("sharing/", sharing.sharing_settings, name="sharing"),
    path("sharing/<str:object_name>/", sharing.rule_list, name="sharing_rules"),
    path("sharing/<str:object_name>/new/", sharing.rule_add, name="sharing_rule_add"),
    path("sharing/<str:object_name>/<int:pk>/", sharing.rule_edit, name="sharing_rule_edit"),
    path(
        "sharing/<str:object_name>/<int:pk>/delete/",
        sharing.rule_delete,
        name="sharing_rule_delete",
    ),
    # Objects: fields, picklists, layouts
    path("objects/", home.object_manager, name="objects"),
    path("objects/lead/mapping/", fields.lead_field_mapping, name="lead_field_mapping"),
    path("objects/<str:object_name>/fields/", fields.field_list, name="fields"),
    path("objects/<str:object_name>/fields/new/", fields.field_add, name="field_add"),
    path("objects/<str:object_name>/fields/<int:pk>/", fields.field_edit, name="field_edit"),
    path(
        "objects/<str:object_name>/fields/<int:pk>/delete/",
        fields.field_delete,
        name="field_delete",
    ),
    path("objects/<str:object_name>/picklists/", picklists.picklist_list, name="picklists"),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/",
        picklists.picklist_detail,
        name="picklist",
    ),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/reorder/",
        picklists.value_reorder,
        name="picklist_reorder",
    ),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/<int:pk>/",
        picklists.value_edit,
        name="picklist_value_edit",
    ),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/<int:pk>/toggle/",
        picklists.value_toggle,
        name="picklist_toggle",
    ),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/<int:pk>/default/",
        picklists.value_default,
        name="picklist_default",
    ),
    path(
        "objects/<str:object_name>/picklists/<str:field_name>/<int:pk>/move/<str:direction>/",
        picklists.value_move,
        name="picklist_move",
    ),
    path("objects/<str:object_name>/layouts/", layouts.layout_list, name="layouts"),
    path("objects/<str:object_name>/layouts/new/", layouts.layout_add, name="layout_add"),
    path("objects/<str:object_name>/layouts/<int:pk>/", layouts.layout_edit, name="layout_edit"),
    path(
        "objects/<str:object_name>/layouts/<int:pk>/delete/",
        layouts.layout_delete,
        name="layout_delete",
    ),
    # Company
    path("company/", company.company, name="company"),
]
