"""REST endpoints for every registered object, generated from the registry and field metadata.

Nothing here is written per object: adding an ObjectDef adds its serializer, endpoints and
schema. Reads go through `visible_to()`, writes through core.actions.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import CheckConstraint
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tandem.access.door import can
from tandem.access.models import Group
from tandem.api.permissions import ApiEnabled
from tandem.api.querying import apply_list_params
from tandem.api.record_fields import (
    CustomValuesField,
    LookupField,
    PicklistField,
    clean_custom_value,
    fetch_target,
)
from tandem.core import actions, registry
from tandem.core.fields import SYSTEM_FIELDS, default_picklist_value, standard_fields
from tandem.core.filters import OPERATORS
from tandem.core.models import CustomField

OWNER_FIELDS = ("owner", "owner_queue")


def _lookup_target(field: models.ForeignKey) -> str:
    label = field.related_model._meta.label_lower
    if label == "access.user":
        return "user"
    if label == "access.group":
        return "queue"
    return field.related_model._meta.model_name


def _first_field(condition) -> str | None:
    """The first model field a check constraint's condition mentions, to name it in the error."""
    for child in getattr(condition, "children", ()):
        if isinstance(child, tuple):
            return child[0].split("__")[0]
        found = _first_field(child)
        if found:
            return found
    return None


class RecordSerializer(serializers.ModelSerializer):
    """Base of the generated record serializers; `obj_def` is set on each generated subclass."""

    obj_def: registry.ObjectDef

    display_name = serializers.CharField(source="__str__", read_only=True)

    def get_validators(self):
        # Record querysets refuse to run without the door; records have no unique fields.
        return []

    def validate(self, attrs):
        obj_def = self.obj_def
        creating = self.instance is None
        user = self.context["request"].user
        errors: dict[str, list] = {}

        # Required picklists fall back to their default value, then must have one.
        for name in obj_def.picklists:
            field = self.fields.get(name)
            if not isinstance(field, PicklistField) or field.read_only:
                continue
            model_field = obj_def.model._meta.get_field(name)
            if model_field.blank:
                continue
            if creating and not attrs.get(name):
                attrs[name] = attrs.get(name) or default_picklist_value(obj_def.name, name)
            if name in attrs and not attrs[name]:
                errors[name] = [_("This field is required.")]

        owner_error = self._resolve_owner(attrs, creating, user)
        if owner_error:
            errors["owner"] = [owner_error]

        if "custom" in attrs or creating or not self.partial:
            custom_errors = self._complete_custom(attrs, creating)
            if custom_errors:
                errors["custom"] = custom_errors

        if not errors:
            errors.update(self._check_constraints(attrs, user))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _resolve_owner(self, attrs, creating: bool, user) -> str | None:
        """Work out the owner after this write; remember a change for the change-owner action.

        Giving a queue moves a lead out of its user's hands and giving a user takes it out of
        the queue, so a PATCH of one of the two is enough.
        """
        self.owner_change = None
        for name in OWNER_FIELDS:
            if creating and name in attrs and attrs[name] is None:
                del attrs[name]
        given = {name: attrs[name] for name in OWNER_FIELDS if name in attrs}
        if not given:
            return None
        if given.get("owner") is not None and given.get("owner_queue") is not None:
            return _("Choose a user or a queue as owner, not both.")
        owner = getattr(self.instance, "owner", None)
        queue = getattr(self.instance, "owner_queue", None) if self.obj_def.queue_owned else None
        if "owner" in given:
            owner = given["owner"]
            if owner is not None:
                queue = None
        if "owner_queue" in given:
            queue = given["owner_queue"]
            if queue is not None:
                owner = None
        if owner is None and queue is None:
            return _("A record needs a user or a queue as owner.")
        if owner is not None and not owner.is_active:
            return _("The new owner is not an active user.")
        if creating:
            attrs.update(
                {"owner": owner} | ({"owner_queue": queue} if self.obj_def.queue_owned else {})
            )
        else:
            for name in OWNER_FIELDS:
                attrs.pop(name, None)
            current_queue = getattr(self.instance, "owner_queue_id", None)
            if (getattr(owner, "pk", None), getattr(queue, "pk", None)) != (
                self.instance.owner_id,
                current_queue,
            ):
                self.owner_change = (owner, queue)
        return None

    def _complete_custom(self, attrs, creating: bool) -> dict:
        """Defaults on create, clearing on PUT, and required custom fields."""
        defs: dict[str, CustomField] = self.fields["custom"].definitions()
        given = attrs.get("custom", {})
        stored = {} if creating else (self.instance.custom or {})
        errors = {}
        for name, cf in defs.items():
            if name not in given:
                if creating and cf.default_value:
                    try:
                        given[name] = clean_custom_value(
                            cf, cf.default_value, self.context["request"].user
                        )
                    except serializers.ValidationError:
                        pass
                elif not creating and not self.partial:
                    given[name] = None  # PUT replaces the whole record
            if self.partial and name not in given:
                continue  # a PATCH answers only for the values it sends
            value = given.get(name, stored.get(name))
            if cf.required and value in (None, "", []):
                errors[name] = [_("This field is required.")]
        attrs["custom"] = given
        return errors

    def _check_constraints(self, attrs, user) -> dict:
        """Run the model's check constraints on the would-be record, so the database never refuses."""
        model = self.obj_def.model
        if self.instance is None:
            candidate = model()
            if not any(name in attrs for name in OWNER_FIELDS):
                candidate.owner = user
        else:
            candidate = copy.copy(self.instance)
        for name, value in attrs.items():
            if name != "custom":
                setattr(candidate, name, value)
        errors = {}
        for constraint in model._meta.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            try:
                constraint.validate(model, candidate)
            except DjangoValidationError as exc:
                name = _first_field(constraint.condition) or "non_field_errors"
                errors.setdefault(name, []).extend(exc.messages)
        return errors

    def create(self, validated_data):
        raise NotImplementedError("records are written by core.actions, see RecordViewSet")

    def update(self, instance, validated_data):
        raise NotImplementedError("records are written by core.actions, see RecordViewSet")


def record_serializer(obj_def: registry.ObjectDef) -> type[RecordSerializer]:
    """A serializer for one object: its standard fields, lookups via the door, and `custom`."""
    model = obj_def.model
    attrs: dict = {}
    fields = ["id", "display_name"]
    read_only = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == "custom":
            continue
        fields.append(f.name)
        editable = f.editable and f.name not in SYSTEM_FIELDS
        if not editable:
            read_only.append(f.name)
        if isinstance(f, models.ForeignKey):
            target = _lookup_target(f)
            if editable:
                required = False if f.name in OWNER_FIELDS else not f.blank
                attrs[f.name] = LookupField(target, required=required, allow_null=f.null)
            else:
                attrs[f.name] = LookupField(target, read_only=True, allow_null=True)
        elif f.name in obj_def.picklists and editable:
            attrs[f.name] = PicklistField(
                obj_def.name,
                f.name,
                max_length=f.max_length,
                required=False,
                allow_blank=True,
                help_text=_("One of the picklist's active values."),
            )
    attrs["custom"] = CustomValuesField(
        obj_def.name, help_text="Custom field values by field name (see Setup > custom fields)."
    )
    fields.append("custom")
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": read_only})
    attrs.update({"Meta": meta, "obj_def": obj_def, "__module__": __name__})
    # The class name (minus "Serializer") is the OpenAPI component name: "Lead", "Opportunity".
    return type(f"{model.__name__}Serializer", (RecordSerializer,), attrs)


class ChangeOwnerSerializer(serializers.Serializer):
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="A user id.")
    owner_queue = serializers.IntegerField(
        required=False, allow_null=True, help_text="A queue id, for objects queues may own."
    )
    send_email = serializers.BooleanField(
        required=False, default=False, help_text="Email the new owner about the assignment."
    )

    def validate(self, attrs):
        user_id, queue_id = attrs.get("owner"), attrs.get("owner_queue")
        if (user_id is None) == (queue_id is None):
            raise serializers.ValidationError({"owner": [_("Choose exactly one new owner.")]})
        if user_id is not None:
            attrs["owner"] = fetch_target("user", user_id, self.context["request"].user)
            if attrs["owner"] is None:
                raise serializers.ValidationError({"owner": [_("No such user.")]})
        if queue_id is not None:
            attrs["owner_queue"] = Group.objects.filter(pk=queue_id, kind=Group.KIND_QUEUE).first()
            if attrs["owner_queue"] is None:
                raise serializers.ValidationError({"owner_queue": [_("No such queue.")]})
        return attrs


class RecordViewSet(viewsets.GenericViewSet):
    """CRUD, filtered lists and change owner for one object; subclassed per ObjectDef."""

    obj_def: registry.ObjectDef
    permission_classes = (IsAuthenticated, ApiEnabled)

    def get_queryset(self):
        return self.obj_def.model.objects.visible_to(self.request.user, "read")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["custom_definitions"] = {
            cf.name: cf for cf in CustomField.objects.filter(object_name=self.obj_def.name)
        }
        return context

    def get_record(self, action_name: str = "read", lock: bool = False):
        """The record from the URL if the user may see it, else 404; 403 if seen but not `action`.

        `lock` (inside a transaction) holds the row until commit, so two concurrent PATCHes of
        different fields cannot overwrite each other with stale values.
        """
        queryset = self.get_queryset()
        if lock:
            queryset = queryset.select_for_update()
        record = get_object_or_404(queryset, pk=self.kwargs["pk"])
        if action_name != "read" and not can(self.request.user, action_name, record):
            raise PermissionDenied(_("You may not change this record."))
        return record

    def list(self, request):
        queryset = apply_list_params(self.obj_def, self.get_queryset(), request.query_params)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_record()).data)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        custom = data.pop("custom", None)
        if self._assign_requested(request):
            from tandem.assignment.actions import create_and_assign

            record, _outcome = create_and_assign(
                request.user,
                self.obj_def,
                data,
                custom,
                assign=True,
                link=lambda r: request.build_absolute_uri(r.get_absolute_url()),
            )
        else:
            record = actions.create_record(request.user, self.obj_def, data, custom)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def _assign_requested(self, request) -> bool:
        """`?assign=true` runs the active assignment rule on the new record (leads)."""
        raw = request.query_params.get("assign", "").strip().lower()
        if raw in ("", "0", "false", "no"):
            return False
        if raw not in ("1", "true", "yes"):
            raise serializers.ValidationError({"assign": [_("Use true or false.")]})
        return True

    def update(self, request, pk=None, partial=False):
        with transaction.atomic():
            record = self.get_record("edit", lock=True)
            serializer = self.get_serializer(record, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            custom = data.pop("custom", None)
            actions.update_record(request.user, record, data, custom)
            if serializer.owner_change:
                owner, queue = serializer.owner_change
                actions.change_owner(request.user, record, new_owner=owner, new_queue=queue)
        return Response(self.get_serializer(record).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        record = self.get_record()
        actions.delete_record(request.user, record)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="change-owner", url_name="change-owner")
    def change_owner(self, request, pk=None):
        with transaction.atomic():
            record = self.get_record(lock=True)
            form = ChangeOwnerSerializer(data=request.data, context={"request": request})
            form.is_valid(raise_exception=True)
            actions.change_owner(
                request.user,
                record,
                new_owner=form.validated_data.get("owner"),
                new_queue=form.validated_data.get("owner_queue"),
                send_email=form.validated_data["send_email"],
            )
        return Response(self.get_serializer(record).data)


def _list_parameters(obj_def) -> list[OpenApiParameter]:
    params = [
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            description="Text searched in: " + ", ".join(obj_def.search_fields),
        ),
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            description="Comma-separated field names; prefix with - for descending.",
        ),
        OpenApiParameter(
            "filter",
            OpenApiTypes.STR,
            many=True,
            explode=True,
            description="field:operator:value, repeatable. Operators: " + ", ".join(OPERATORS),
        ),
    ]
    for spec in standard_fields(obj_def):
        params.append(
            OpenApiParameter(spec.name, OpenApiTypes.STR, description=f"Equals ({spec.type}).")
        )
    return params


def record_viewset(obj_def: registry.ObjectDef) -> type[RecordViewSet]:
    serializer = record_serializer(obj_def)
    viewset = type(
        f"{obj_def.model.__name__}ViewSet",
        (RecordViewSet,),
        {
            "obj_def": obj_def,
            "serializer_class": serializer,
            "queryset": obj_def.model.objects.none(),
            "__module__": __name__,
            "__doc__": f"{obj_def.label_plural}: the records you may see.",
        },
    )
    tag = [obj_def.label_plural]
    return extend_schema_view(
        list=extend_schema(tags=tag, parameters=_list_parameters(obj_def)),
        retrieve=extend_schema(tags=tag),
        create=extend_schema(
            tags=tag,
            parameters=[
                OpenApiParameter(
                    "assign",
                    OpenApiTypes.BOOL,
                    description="Run the active assignment rule on the new record "
                    "(objects with assignment rules; ignored otherwise).",
                )
            ],
        ),
        update=extend_schema(tags=tag),
        partial_update=extend_schema(tags=tag),
        destroy=extend_schema(tags=tag),
        change_owner=extend_schema(tags=tag, request=ChangeOwnerSerializer),
    )(viewset)
