"""Serializers for the access part of Setup: users, roles, profiles, groups, queues, org-wide
defaults and sharing rules (metadata entities are in metadata_serializers).

Each names the field in its errors; cross-row rules (a tree stays a tree, one default per
picklist, external never wider than internal) are checked here or in the Setup actions called.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from tandem.access.models import (
    OBJECT_ACTIONS,
    OWD_RANK,
    SYSTEM_PERMISSIONS,
    TARGET_GROUP,
    TARGET_KINDS,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    TARGET_USER,
    Group,
    GroupMember,
    OrgDefault,
    Profile,
    Role,
    SharingRule,
    User,
)
from tandem.core import registry
from tandem.core.filters import conditions_q


def object_def(name: str) -> registry.ObjectDef:
    obj = registry.find(name)
    if obj is None:
        raise serializers.ValidationError(
            _("Unknown object “%(name)s”; use one of: %(names)s.")
            % {"name": name, "names": ", ".join(o.name for o in registry.all_objects())}
        )
    return obj


def unchanged(serializer, attrs, name: str) -> None:
    """Refuse changing a field that identifies the row once it exists."""
    if (
        serializer.instance is not None
        and name in attrs
        and attrs[name] != getattr(serializer.instance, name)
    ):
        raise serializers.ValidationError({name: [_("This cannot be changed once created.")]})


def target_exists(kind: str, target_id) -> bool:
    """Whether a user, role or public group with this id exists, for shares and memberships."""
    if target_id is None:
        return False
    if kind == TARGET_USER:
        return User.objects.filter(pk=target_id).exists()
    if kind in (TARGET_ROLE, TARGET_ROLE_SUBS):
        return Role.objects.filter(pk=target_id).exists()
    if kind == TARGET_GROUP:
        return Group.objects.filter(pk=target_id, kind=Group.KIND_GROUP).exists()
    return False


class SetupSerializer(serializers.ModelSerializer):
    def get_validators(self):
        # Uniqueness is checked field by field below, so the error names the field.
        return []

    def check_unique(self, attrs, field: str, **scope) -> None:
        value = attrs.get(field, getattr(self.instance, field, None))
        rows = self.Meta.model.objects.filter(**{field: value}, **scope)
        if self.instance is not None:
            rows = rows.exclude(pk=self.instance.pk)
        if rows.exists():
            raise serializers.ValidationError({field: [_("This value is already in use.")]})


class UserSerializer(SetupSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="Sets the password; leave out to keep it (or, on create, to invite later).",
    )

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "first_name",
            "last_name",
            "title",
            "phone",
            "profile",
            "role",
            "manager",
            "is_active",
            "is_external",
            "contact",
            "must_change_password",
            "time_zone",
            "language",
            "created_at",
            "updated_at",
            "last_login",
            "password",
        )
        read_only_fields = ("is_external", "contact", "created_at", "updated_at", "last_login")

    def validate_email(self, value):
        return value.strip().lower()

    def validate(self, attrs):
        if "email" in attrs:
            self.check_unique(attrs, "email")
        request = self.context.get("request")
        if (
            self.instance is not None
            and request is not None
            and self.instance.pk == request.user.pk
            and attrs.get("is_active") is False
        ):
            raise serializers.ValidationError({"is_active": [_("You cannot deactivate yourself.")]})
        manager = attrs.get("manager")
        if manager is not None and self.instance is not None and manager.pk == self.instance.pk:
            raise serializers.ValidationError(
                {"manager": [_("A user cannot be their own manager.")]}
            )
        password = attrs.get("password")
        if password:
            probe = self.instance or User(
                email=attrs.get("email", ""),
                first_name=attrs.get("first_name", ""),
                last_name=attrs.get("last_name", ""),
            )
            try:
                validate_password(password, probe)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs

    def create(self, validated_data):
        password = validated_data.pop("password", "") or None
        email = validated_data.pop("email")
        return User.objects.create_user(email, password=password, **validated_data)

    def update(self, instance, validated_data):
        password = validated_data.pop("password", "")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        return instance


class RoleSerializer(SetupSerializer):
    class Meta:
        model = Role
        fields = (
            "id",
            "name",
            "parent",
            "partner_account",
            "sort_order",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("partner_account", "created_at", "updated_at")

    def create(self, validated_data):
        from tandem.access.hierarchy import save_role

        return save_role(Role(**validated_data))

    def update(self, instance, validated_data):
        from tandem.access.hierarchy import save_role

        for name, value in validated_data.items():
            setattr(instance, name, value)
        return save_role(instance)


class ProfileSerializer(SetupSerializer):
    class Meta:
        model = Profile
        fields = (
            "id",
            "name",
            "description",
            "is_standard",
            "is_external",
            "object_permissions",
            "system_permissions",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("is_standard", "created_at", "updated_at")

    def validate_object_permissions(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Expected an object keyed by object name."))
        for name, perms in value.items():
            object_def(name)
            if not isinstance(perms, dict):
                raise serializers.ValidationError(
                    _("%(object)s: expected an object of permissions.") % {"object": name}
                )
            for action_name, allowed in perms.items():
                if action_name not in OBJECT_ACTIONS or not isinstance(allowed, bool):
                    raise serializers.ValidationError(
                        _("%(object)s: “%(action)s” must be one of %(actions)s with true or false.")
                        % {
                            "object": name,
                            "action": action_name,
                            "actions": ", ".join(OBJECT_ACTIONS),
                        }
                    )
        return value

    def validate_system_permissions(self, value):
        known = {name for name, _label in SYSTEM_PERMISSIONS}
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Expected an object keyed by permission name."))
        for name, allowed in value.items():
            if name not in known or not isinstance(allowed, bool):
                raise serializers.ValidationError(
                    _("“%(name)s” must be one of %(names)s with true or false.")
                    % {"name": name, "names": ", ".join(sorted(known))}
                )
        return value

    def validate(self, attrs):
        if "name" in attrs:
            self.check_unique(attrs, "name")
        request = self.context.get("request")
        system = attrs.get("system_permissions")
        if (
            system is not None
            and request is not None
            and self.instance is not None
            and self.instance.pk == request.user.profile_id
        ):
            # Editing one's own profile must not lock the editor out of Setup.
            lost = [
                name
                for name in ("customize_application", "manage_users", "api_enabled")
                if self.instance.has_system_permission(name) and not system.get(name)
            ]
            if lost:
                raise serializers.ValidationError(
                    {
                        "system_permissions": [
                            _("You cannot remove %(perms)s from your own profile.")
                            % {"perms": ", ".join(lost)}
                        ]
                    }
                )
        return attrs


class GroupMemberSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TARGET_KINDS)
    id = serializers.IntegerField(help_text="The id of the user, role or public group.")

    def to_representation(self, member):
        return {
            "kind": member.kind,
            "id": member.user_id or member.role_id or member.member_group_id,
        }


class GroupSerializerBase(SetupSerializer):
    """Public groups and queues share one model; `kind` is fixed by the endpoint."""

    group_kind = Group.KIND_GROUP
    members = GroupMemberSerializer(many=True, required=False)

    def validate_members(self, members):
        seen = set()
        for index, member in enumerate(members):
            key = (member["kind"], member["id"])
            if not target_exists(*key):
                raise serializers.ValidationError(
                    {index: {"id": [_("No such %(kind)s.") % {"kind": member["kind"]}]}}
                )
            if self.instance is not None and key == (TARGET_GROUP, self.instance.pk):
                raise serializers.ValidationError(
                    {index: {"id": [_("A group cannot contain itself.")]}}
                )
            seen.add(key)
        return [{"kind": k, "id": i} for k, i in sorted(seen)]

    def validate(self, attrs):
        if "name" in attrs or self.instance is None:
            self.check_unique(attrs, "name", kind=self.group_kind)
        return attrs

    def _save_members(self, group, members):
        if members is None:
            return
        group.members.all().delete()
        column = {
            TARGET_USER: "user_id",
            TARGET_ROLE: "role_id",
            TARGET_ROLE_SUBS: "role_id",
            TARGET_GROUP: "member_group_id",
        }
        GroupMember.objects.bulk_create(
            GroupMember(group=group, kind=m["kind"], **{column[m["kind"]]: m["id"]})
            for m in members
        )

    def create(self, validated_data):
        members = validated_data.pop("members", [])
        group = Group.objects.create(kind=self.group_kind, **validated_data)
        self._save_members(group, members)
        return group

    def update(self, instance, validated_data):
        members = validated_data.pop("members", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        self._save_members(instance, members)
        return instance


class PublicGroupSerializer(GroupSerializerBase):
    group_kind = Group.KIND_GROUP

    class Meta:
        model = Group
        fields = ("id", "name", "partner_account", "members", "created_at", "updated_at")
        read_only_fields = ("partner_account", "created_at", "updated_at")


class QueueSerializer(GroupSerializerBase):
    group_kind = Group.KIND_QUEUE

    class Meta:
        model = Group
        fields = (
            "id",
            "name",
            "email",
            "queue_objects",
            "send_email_to_members",
            "partner_account",
            "members",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("partner_account", "created_at", "updated_at")

    def validate_queue_objects(self, value):
        if not isinstance(value, list):
            raise serializers.ValidationError(_("Expected a list of object names."))
        for name in value:
            obj = object_def(str(name))
            if not obj.queue_owned:
                raise serializers.ValidationError(
                    _("%(object)s records cannot be owned by a queue.") % {"object": obj.label}
                )
        return sorted(set(value))


class OrgDefaultSerializer(SetupSerializer):
    class Meta:
        model = OrgDefault
        fields = ("object_name", "internal_access", "external_access", "updated_at")
        read_only_fields = ("updated_at",)

    def validate_object_name(self, value):
        object_def(value)
        return value

    def validate(self, attrs):
        unchanged(self, attrs, "object_name")
        if self.instance is None:
            self.check_unique(attrs, "object_name")
        name = attrs.get("object_name", getattr(self.instance, "object_name", None))
        obj = object_def(name)
        internal = attrs.get(
            "internal_access", getattr(self.instance, "internal_access", obj.default_owd)
        )
        external = attrs.get(
            "external_access", getattr(self.instance, "external_access", obj.default_owd)
        )
        errors = {}
        for field, value in (("internal_access", internal), ("external_access", external)):
            if value not in obj.owd_choices:
                errors[field] = [
                    _("Not available for %(object)s; use one of: %(choices)s.")
                    % {"object": obj.label, "choices": ", ".join(obj.owd_choices)}
                ]
        if not errors and OWD_RANK[external] > OWD_RANK[internal]:
            errors["external_access"] = [
                _("The external default cannot be wider than the internal default.")
            ]
        if errors:
            raise serializers.ValidationError(errors)
        attrs.setdefault("internal_access", internal)
        attrs.setdefault("external_access", external)
        return attrs


class SharingRuleSerializer(SetupSerializer):
    class Meta:
        model = SharingRule
        fields = (
            "id",
            "object_name",
            "name",
            "description",
            "kind",
            "source_kind",
            "source_id",
            "criteria",
            "criteria_logic",
            "target_kind",
            "target_id",
            "access_level",
            "is_active",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")

    def validate_object_name(self, value):
        object_def(value)
        return value

    def validate(self, attrs):
        def current(name, default=None):
            return attrs.get(name, getattr(self.instance, name, default))

        obj = object_def(current("object_name"))
        errors = {}
        if current("kind", SharingRule.KIND_OWNER) == SharingRule.KIND_OWNER:
            if not current("source_kind"):
                errors["source_kind"] = [_("Choose whose records the rule shares.")]
            elif not target_exists(current("source_kind"), current("source_id")):
                errors["source_id"] = [_("No such %(kind)s.") % {"kind": current("source_kind")}]
        else:
            criteria = current("criteria", [])
            if not isinstance(criteria, list) or not criteria:
                errors["criteria"] = [_("Give at least one condition.")]
            elif not all(isinstance(c, dict) for c in criteria):
                errors["criteria"] = [_("Each condition is an object with field, op and value.")]
            else:
                try:
                    conditions_q(obj, criteria, current("criteria_logic", "and"))
                except DjangoValidationError as exc:
                    errors["criteria"] = list(exc.messages)
        if not target_exists(current("target_kind"), current("target_id")):
            errors["target_id"] = [_("No such %(kind)s.") % {"kind": current("target_kind")}]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
