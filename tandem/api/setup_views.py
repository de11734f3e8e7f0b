"""Setup endpoints for administrators: CRUD and filtered, paginated lists of the org's configuration."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tandem.access.hierarchy import rebuild_role_closure
from tandem.access.models import (
    TARGET_GROUP,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    Group,
    OrgDefault,
    Profile,
    RecordShare,
    Role,
    SharingRule,
    User,
)
from tandem.access.principals import forget
from tandem.api import metadata_serializers as m
from tandem.api import setup_serializers as s
from tandem.api.permissions import ApiEnabled, SystemPermission
from tandem.api.tokens import revoke_user_tokens
from tandem.core.actions import describe_dependents
from tandem.core.models import Company, CustomField, PageLayout, PicklistValue

SETUP_PARAMS = {"page", "page_size", "search", "ordering", "format"}


class SetupViewSet(viewsets.ModelViewSet):
    """Base: admin-only, atomic writes, `?field=value` equality filters, search and ordering."""

    permission_classes = (IsAuthenticated, ApiEnabled, SystemPermission)
    system_permission = "customize_application"
    filter_fields: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    ordering_fields: tuple[str, ...] = ()
    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.base_queryset()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.request.query_params
        errors = {}
        for key in params:
            if key in SETUP_PARAMS:
                continue
            if key not in self.filter_fields:
                errors[key] = [
                    _("Unknown filter; use one of: %(names)s.")
                    % {"names": ", ".join(self.filter_fields)}
                ]
                continue
            model_field = queryset.model._meta.get_field(key)
            path = model_field.attname if isinstance(model_field, models.ForeignKey) else key
            raw = params.get(key)
            try:
                if raw in ("", "null") and model_field.null:
                    queryset = queryset.filter(**{f"{path}__isnull": True})
                    continue
                target = (
                    model_field.target_field
                    if isinstance(model_field, models.ForeignKey)
                    else model_field
                )
                if isinstance(target, models.BooleanField):
                    lowered = raw.lower()
                    if lowered not in ("true", "false", "1", "0"):
                        raise ValueError
                    value = lowered in ("true", "1")
                else:
                    value = target.to_python(raw)
            except (ValueError, TypeError, DjangoValidationError):
                errors[key] = [_("“%(value)s” is not a valid value.") % {"value": raw}]
                continue
            queryset = queryset.filter(**{path: value})
        term = params.get("search", "").strip()
        if term and self.search_fields:
            q = Q()
            for name in self.search_fields:
                q |= Q(**{f"{name}__icontains": term})
            queryset = queryset.filter(q)
        ordering = [o.strip() for o in params.get("ordering", "").split(",") if o.strip()]
        if ordering:
            bad = [o for o in ordering if o.lstrip("-") not in self.ordering_fields]
            if bad:
                errors["ordering"] = [
                    _("Sort by one of: %(names)s.") % {"names": ", ".join(self.ordering_fields)}
                ]
            else:
                queryset = queryset.order_by(*ordering, "pk")
        if errors:
            raise serializers.ValidationError(errors)
        return queryset

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("This cannot be deleted because other records depend on it: %(deps)s.")
                        % {"deps": describe_dependents(exc.protected_objects)}
                    ]
                }
            ) from None


class UserViewSet(SetupViewSet):
    """Users. DELETE deactivates (records keep their owner) and revokes the user's API tokens."""

    queryset = User.objects.select_related("profile")
    serializer_class = s.UserSerializer
    system_permission = "manage_users"
    filter_fields = ("is_active", "profile", "role", "manager", "is_external", "email")
    search_fields = ("email", "first_name", "last_name", "title")
    ordering_fields = ("email", "first_name", "last_name", "created_at", "id")

    def perform_destroy(self, instance):
        if instance.pk == self.request.user.pk:
            raise serializers.ValidationError({"is_active": [_("You cannot deactivate yourself.")]})
        with transaction.atomic():
            User.objects.filter(pk=instance.pk).update(is_active=False)
            revoke_user_tokens(instance)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        if serializer.instance.pk == self.request.user.pk:
            forget(self.request.user)


class RoleViewSet(SetupViewSet):
    """The role hierarchy. Writes keep the closure table current; cycles are refused."""

    queryset = Role.objects.all()
    serializer_class = s.RoleSerializer
    filter_fields = ("parent", "partner_account", "name")
    search_fields = ("name",)
    ordering_fields = ("name", "sort_order", "created_at", "id")

    def perform_destroy(self, instance):
        with transaction.atomic():
            super().perform_destroy(instance)
            rebuild_role_closure()
            RecordShare.objects.filter(
                target_kind__in=(TARGET_ROLE, TARGET_ROLE_SUBS), target_id=instance.pk
            ).delete()


class ProfileViewSet(SetupViewSet):
    queryset = Profile.objects.all()
    serializer_class = s.ProfileSerializer
    filter_fields = ("is_external", "is_standard", "name")
    search_fields = ("name", "description")
    ordering_fields = ("name", "created_at", "id")

    def perform_destroy(self, instance):
        if instance.is_standard:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Standard profiles cannot be deleted.")]}
            )
        super().perform_destroy(instance)


class GroupViewSetBase(SetupViewSet):
    serializer_class = s.PublicGroupSerializer
    group_kind = Group.KIND_GROUP
    filter_fields = ("name", "partner_account")
    search_fields = ("name",)
    ordering_fields = ("name", "created_at", "id")

    def base_queryset(self):
        return Group.objects.filter(kind=self.group_kind).prefetch_related("members")

    def perform_destroy(self, instance):
        with transaction.atomic():
            super().perform_destroy(instance)
            SharingRule.objects.filter(
                Q(target_kind=TARGET_GROUP, target_id=instance.pk)
                | Q(source_kind=TARGET_GROUP, source_id=instance.pk)
            ).delete()
            RecordShare.objects.filter(target_kind=TARGET_GROUP, target_id=instance.pk).delete()


class PublicGroupViewSet(GroupViewSetBase):
    """Public groups: named sets of users, roles and other groups, used by sharing."""

    queryset = Group.objects.filter(kind=Group.KIND_GROUP)


class QueueViewSet(GroupViewSetBase):
    """Queues: groups that can own records (leads) until a member takes them."""

    queryset = Group.objects.filter(kind=Group.KIND_QUEUE)
    serializer_class = s.QueueSerializer
    group_kind = Group.KIND_QUEUE


class OrgDefaultViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisation-wide defaults, one row per object, addressed by object name."""

    permission_classes = SetupViewSet.permission_classes
    system_permission = "customize_application"
    queryset = OrgDefault.objects.all()
    serializer_class = s.OrgDefaultSerializer
    lookup_field = "object_name"
    filter_fields = ("internal_access", "external_access", "object_name")
    search_fields = ("object_name",)
    ordering_fields = ("object_name",)
    filter_queryset = SetupViewSet.filter_queryset
    perform_create = SetupViewSet.perform_create
    perform_update = SetupViewSet.perform_update


class SharingRuleViewSet(SetupViewSet):
    queryset = SharingRule.objects.all()
    serializer_class = s.SharingRuleSerializer
    filter_fields = ("object_name", "kind", "target_kind", "target_id", "access_level", "is_active")
    search_fields = ("name", "description")
    ordering_fields = ("object_name", "name", "created_at", "id")


class CustomFieldViewSet(SetupViewSet):
    """Custom fields. Deleting one removes its definition; stored values are no longer shown."""

    queryset = CustomField.objects.all()
    serializer_class = m.CustomFieldSerializer
    filter_fields = ("object_name", "field_type", "required", "name")
    search_fields = ("name", "label")
    ordering_fields = ("object_name", "name", "label", "sort_order", "id")


class PicklistValueViewSet(SetupViewSet):
    queryset = PicklistValue.objects.all()
    serializer_class = m.PicklistValueSerializer
    filter_fields = ("object_name", "field_name", "is_active", "is_default", "value")
    search_fields = ("value", "label")
    ordering_fields = ("object_name", "field_name", "sort_order", "value", "id")


class PageLayoutViewSet(SetupViewSet):
    queryset = PageLayout.objects.prefetch_related("profiles")
    serializer_class = m.PageLayoutSerializer
    filter_fields = ("object_name", "is_default", "name")
    search_fields = ("name",)
    ordering_fields = ("object_name", "name", "id")


class CompanyViewSet(viewsets.GenericViewSet):
    """The company profile: one row, read and changed in place."""

    permission_classes = SetupViewSet.permission_classes
    system_permission = "customize_application"
    serializer_class = m.CompanySerializer
    queryset = Company.objects.all()
    pagination_class = None

    def retrieve(self, request):
        return Response(self.get_serializer(Company.current()).data)

    def update(self, request, partial=False):
        with transaction.atomic():
            serializer = self.get_serializer(Company.current(), data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(serializer.data, status=status.HTTP_200_OK)

    def partial_update(self, request):
        return self.update(request, partial=True)


def _tagged(viewset, tag: str, filters: tuple[str, ...] = ()):
    params = [OpenApiParameter(name, OpenApiTypes.STR, description="Equals.") for name in filters]
    params += [
        OpenApiParameter("search", OpenApiTypes.STR, description="Text search."),
        OpenApiParameter(
            "ordering", OpenApiTypes.STR, description="Comma-separated fields, - for descending."
        ),
    ]
    names = [
        a
        for a in ("create", "retrieve", "update", "partial_update", "destroy")
        if hasattr(viewset, a)
    ]
    kwargs = {name: extend_schema(tags=[tag]) for name in names}
    if hasattr(viewset, "list"):
        kwargs["list"] = extend_schema(tags=[tag], parameters=params)
    return extend_schema_view(**kwargs)(viewset)


# (URL segment, viewset, basename): the Setup entities of the API.
SETUP_ENDPOINTS = [
    ("users", UserViewSet, "setup-user"),
    ("roles", RoleViewSet, "setup-role"),
    ("profiles", ProfileViewSet, "setup-profile"),
    ("groups", PublicGroupViewSet, "setup-group"),
    ("queues", QueueViewSet, "setup-queue"),
    ("org-defaults", OrgDefaultViewSet, "setup-org-default"),
    ("sharing-rules", SharingRuleViewSet, "setup-sharing-rule"),
    ("custom-fields", CustomFieldViewSet, "setup-custom-field"),
    ("picklist-values", PicklistValueViewSet, "setup-picklist-value"),
    ("page-layouts", PageLayoutViewSet, "setup-page-layout"),
]
for _i, (_segment, _viewset, _basename) in enumerate(SETUP_ENDPOINTS):
    SETUP_ENDPOINTS[_i] = (
        _segment,
        _tagged(
            _viewset, "Setup: " + _segment.replace("-", " "), getattr(_viewset, "filter_fields", ())
        ),
        _basename,
    )
CompanyViewSet = extend_schema_view(
    retrieve=extend_schema(tags=["Setup: company"]),
    update=extend_schema(tags=["Setup: company"]),
    partial_update=extend_schema(tags=["Setup: company"]),
)(CompanyViewSet)
