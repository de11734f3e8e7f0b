"""Serializers for Setup entities: users, roles, profiles, groups, queues, defaults, rules, metadata.

Each names the field in its errors; cross-row rules (a tree stays a tree, one default per
picklist, external never wider than internal) are checked here or in the Setup actions called.
"""

import re
import zoneinfo

from django.conf import settings
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
from tandem.core.fields import field_map, standard_fields
from tandem.core.filters import conditions_q
from tandem.core.models import Company, CustomField, PageLayout, PicklistValue

FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _object_def(name: str) -> registry.ObjectDef:
    obj = registry.find(name)
    if obj is None:
        raise serializers.ValidationError(
            _("Unknown object “%(name)s”; use one of: %(names)s.")
            % {"name": name, "names": ", ".join(o.name for o in registry.all_objects())}
        )
    return obj


def _unchanged(serializer, attrs, name: str) -> None:
    """Refuse changing a field that identifies the row once it exists."""
    if serializer.instance is not None and name in attrs:
        if attrs[name] != getattr(serializer.instance, name):
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
        fields = [
            "id", "email", "first_name", "last_name", "title", "phone", "profile", "role",
            "manager", "is_active", "is_external", "contact", "must_change_password",
            "time_zone", "language", "created_at", "updated_at", "last_login", "password",
        ]
        read_only_fields = ["is_external", "contact", "created_at", "updated_at", "last_login"]

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
            raise serializers.ValidationError({"manager": [_("A user cannot be their own manager.")]})
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
        fields = ["id", "name", "parent", "partner_account", "sort_order", "created_at", "updated_at"]
        read_only_fields = ["partner_account", "created_at", "updated_at"]
        extra_kwargs = {"partner_account": {"allow_null": True}}

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
        fields = [
            "id", "name", "description", "is_standard", "is_external", "object_permissions",
            "system_permissions", "created_at", "updated_at",
        ]
        read_only_fields = ["is_standard", "created_at", "updated_at"]

    def validate_object_permissions(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Expected an object keyed by object name."))
        for name, perms in value.items():
            _object_def(name)
            if not isinstance(perms, dict):
                raise serializers.ValidationError(
                    _("%(object)s: expected an object of permissions.") % {"object": name}
                )
            for action_name, allowed in perms.items():
                if action_name not in OBJECT_ACTIONS or not isinstance(allowed, bool):
                    raise serializers.ValidationError(
                        _("%(object)s: “%(action)s” must be one of %(actions)s with true or false.")
                        % {"object": name, "action": action_name, "actions": ", ".join(OBJECT_ACTIONS)}
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
        return attrs


class GroupMemberSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TARGET_KINDS)
    id = serializers.IntegerField(help_text="The id of the user, role or public group.")

    def to_representation(self, member):
        return {"kind": member.kind, "id": member.user_id or member.role_id or member.member_group_id}


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
                raise serializers.ValidationError({index: {"id": [_("A group cannot contain itself.")]}})
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
        column = {TARGET_USER: "user_id", TARGET_ROLE: "role_id", TARGET_ROLE_SUBS: "role_id", TARGET_GROUP: "member_group_id"}
        GroupMember.objects.bulk_create(
            GroupMember(group=group, kind=m["kind"], **{column[m["kind"]]: m["id"]}) for m in members
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
        fields = ["id", "name", "partner_account", "members", "created_at", "updated_at"]
        read_only_fields = ["partner_account", "created_at", "updated_at"]


class QueueSerializer(GroupSerializerBase):
    group_kind = Group.KIND_QUEUE

    class Meta:
        model = Group
        fields = [
            "id", "name", "email", "queue_objects", "send_email_to_members", "partner_account",
            "members", "created_at", "updated_at",
        ]
        read_only_fields = ["partner_account", "created_at", "updated_at"]

    def validate_queue_objects(self, value):
        if not isinstance(value, list):
            raise serializers.ValidationError(_("Expected a list of object names."))
        for name in value:
            obj = _object_def(str(name))
            if not obj.queue_owned:
                raise serializers.ValidationError(
                    _("%(object)s records cannot be owned by a queue.") % {"object": obj.label}
                )
        return sorted(set(value))


class OrgDefaultSerializer(SetupSerializer):
    class Meta:
        model = OrgDefault
        fields = ["object_name", "internal_access", "external_access", "updated_at"]
        read_only_fields = ["updated_at"]

    def validate_object_name(self, value):
        _object_def(value)
        return value

    def validate(self, attrs):
        _unchanged(self, attrs, "object_name")
        if self.instance is None:
            self.check_unique(attrs, "object_name")
        name = attrs.get("object_name", getattr(self.instance, "object_name", None))
        obj = _object_def(name)
        internal = attrs.get("internal_access", getattr(self.instance, "internal_access", obj.default_owd))
        external = attrs.get("external_access", getattr(self.instance, "external_access", obj.default_owd))
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
        fields = [
            "id", "object_name", "name", "description", "kind", "source_kind", "source_id",
            "criteria", "criteria_logic", "target_kind", "target_id", "access_level",
            "is_active", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_object_name(self, value):
        _object_def(value)
        return value

    def validate(self, attrs):
        def current(name, default=None):
            return attrs.get(name, getattr(self.instance, name, default))

        obj = _object_def(current("object_name"))
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


class CustomFieldSerializer(SetupSerializer):
    class Meta:
        model = CustomField
        fields = [
            "id", "object_name", "name", "label", "field_type", "required", "help_text",
            "default_value", "max_length", "decimal_places", "lookup_object", "track_history",
            "sort_order", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_object_name(self, value):
        _object_def(value)
        return value

    def validate_name(self, value):
        if not FIELD_NAME_RE.match(value):
            raise serializers.ValidationError(
                _("Use lower-case letters, digits and underscores, starting with a letter.")
            )
        return value

    def validate(self, attrs):
        for name in ("object_name", "name", "field_type"):
            _unchanged(self, attrs, name)
        obj = _object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        name = attrs.get("name", getattr(self.instance, "name", None))
        if self.instance is None:
            if name in {s.name for s in standard_fields(obj)} or name in ("id", "custom"):
                raise serializers.ValidationError({"name": [_("A standard field already has this name.")]})
            self.check_unique(attrs, "name", object_name=obj.name)
        field_type = attrs.get("field_type", getattr(self.instance, "field_type", None))
        lookup = attrs.get("lookup_object", getattr(self.instance, "lookup_object", ""))
        if field_type == CustomField.LOOKUP:
            if lookup not in ("user", "queue") and registry.find(lookup) is None:
                raise serializers.ValidationError(
                    {"lookup_object": [_("Choose the object this field looks up.")]}
                )
        elif lookup:
            raise serializers.ValidationError(
                {"lookup_object": [_("Only lookup fields relate to another object.")]}
            )
        default = attrs.get("default_value")
        if default and field_type in ("number", "currency", "percent", "date", "datetime", "checkbox", "email", "url"):
            from tandem.api.record_fields import clean_custom_value

            probe = CustomField(object_name=obj.name, name=name, field_type=field_type,
                                decimal_places=attrs.get("decimal_places"), label=name)
            try:
                clean_custom_value(probe, default, self.context["request"].user)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"default_value": exc.detail}) from None
        return attrs


def _picklist_fields(obj: registry.ObjectDef) -> set[str]:
    names = set(obj.picklists)
    for cf in CustomField.objects.filter(
        object_name=obj.name, field_type__in=(CustomField.PICKLIST, CustomField.MULTIPICKLIST)
    ):
        names.update({cf.name, "custom." + cf.name})
    return names


class PicklistValueSerializer(SetupSerializer):
    label = serializers.CharField(max_length=120, required=False, allow_blank=True)

    class Meta:
        model = PicklistValue
        fields = [
            "id", "object_name", "field_name", "value", "label", "sort_order", "is_default",
            "is_active", "probability", "forecast_category", "is_closed", "is_won", "is_converted",
        ]

    def validate_object_name(self, value):
        _object_def(value)
        return value

    def validate(self, attrs):
        for name in ("object_name", "field_name"):
            _unchanged(self, attrs, name)
        obj = _object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        field_name = attrs.get("field_name", getattr(self.instance, "field_name", None))
        if field_name not in _picklist_fields(obj):
            raise serializers.ValidationError(
                {"field_name": [_("%(object)s has no picklist “%(field)s”.") % {"object": obj.label, "field": field_name}]}
            )
        if "value" in attrs:
            self.check_unique(attrs, "value", object_name=obj.name, field_name=field_name)
        if self.instance is None and "sort_order" not in attrs:
            # A new value goes to the end of the list.
            last = (
                PicklistValue.objects.filter(object_name=obj.name, field_name=field_name)
                .order_by("-sort_order")
                .values_list("sort_order", flat=True)
                .first()
            )
            attrs["sort_order"] = 0 if last is None else last + 1
        if not attrs.get("label") and ("label" in attrs or self.instance is None):
            attrs["label"] = attrs.get("value", getattr(self.instance, "value", ""))
        return attrs

    def save(self, **kwargs):
        row = super().save(**kwargs)
        if row.is_default:
            # One default per picklist.
            PicklistValue.objects.filter(
                object_name=row.object_name, field_name=row.field_name, is_default=True
            ).exclude(pk=row.pk).update(is_default=False)
        return row


class PageLayoutSerializer(SetupSerializer):
    class Meta:
        model = PageLayout
        fields = [
            "id", "object_name", "name", "sections", "required", "related_lists", "profiles",
            "is_default", "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate_object_name(self, value):
        _object_def(value)
        return value

    def validate(self, attrs):
        _unchanged(self, attrs, "object_name")
        obj = _object_def(attrs.get("object_name", getattr(self.instance, "object_name", None)))
        known = set(field_map(obj))
        errors = {}
        sections = attrs.get("sections", getattr(self.instance, "sections", []))
        if not isinstance(sections, list):
            errors["sections"] = [_("Expected a list of sections.")]
        else:
            placed = []
            for section in sections:
                if not isinstance(section, dict) or not isinstance(section.get("fields", []), list):
                    errors["sections"] = [_("Each section is an object with a title and a list of fields.")]
                    break
                placed += [str(f) for f in section.get("fields", [])]
            unknown = sorted(set(placed) - known)
            if unknown and "sections" not in errors:
                errors["sections"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}]
        required = attrs.get("required", getattr(self.instance, "required", []))
        if not isinstance(required, list) or sorted({str(f) for f in required} - known):
            errors["required"] = [_("Required fields must be fields of the object.")]
        related = attrs.get("related_lists", getattr(self.instance, "related_lists", []))
        if not isinstance(related, list):
            errors["related_lists"] = [_("Expected a list.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def save(self, **kwargs):
        layout = super().save(**kwargs)
        if layout.is_default:
            PageLayout.objects.filter(object_name=layout.object_name, is_default=True).exclude(
                pk=layout.pk
            ).update(is_default=False)
        return layout


class CompanySerializer(SetupSerializer):
    class Meta:
        model = Company
        fields = [
            "name", "time_zone", "language", "currency", "fiscal_year_start_month",
            "primary_color", "logo", "default_lead_owner", "updated_at",
        ]
        read_only_fields = ["logo", "updated_at"]

    def validate_time_zone(self, value):
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(_("Unknown time zone “%(tz)s”.") % {"tz": value})
        return value

    def validate_language(self, value):
        codes = [code for code, _label in settings.LANGUAGES]
        if value not in codes:
            raise serializers.ValidationError(
                _("Use one of: %(codes)s.") % {"codes": ", ".join(codes)}
            )
        return value

    def validate_currency(self, value):
        value = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise serializers.ValidationError(_("Use a three-letter ISO 4217 code, such as EUR."))
        return value

    def validate_primary_color(self, value):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise serializers.ValidationError(_("Use a colour like #0b5cab."))
        return value

    def validate_default_lead_owner(self, value):
        if value is not None and not value.is_active:
            raise serializers.ValidationError(_("Choose an active user."))
        return value
