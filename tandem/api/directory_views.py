"""The people an API user may pick as owner or in user lookups (read-only, for every API user).

Setup > users (admin only) manages accounts; this lists the same people the pages offer in
owner pickers, so a client can find the id to assign a record to.
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from tandem.access.directory import pickable_users
from tandem.access.models import User
from tandem.api.permissions import ApiEnabled


class DirectoryUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "email", "first_name", "last_name", "full_name", "title", "is_external")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        tags=["Users"],
        parameters=[OpenApiParameter("search", OpenApiTypes.STR, description="Name or email.")],
    ),
    retrieve=extend_schema(tags=["Users"]),
)
class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Active users you may assign records to."""

    serializer_class = DirectoryUserSerializer
    permission_classes = (IsAuthenticated, ApiEnabled)
    queryset = User.objects.none()

    def get_queryset(self):
        users = pickable_users(self.request.user).order_by("last_name", "first_name", "pk")
        term = self.request.query_params.get("search", "").strip()
        if term and self.action == "list":
            users = users.filter(
                Q(email__icontains=term)
                | Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
            )
        return users
