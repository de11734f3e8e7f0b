"""Self-service API tokens: list yours, issue a new one (shown once), revoke one."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tandem.api.models import ApiToken
from tandem.api.permissions import ApiEnabled
from tandem.api.tokens import find_token, issue_token, revoke_token


class ApiTokenSerializer(serializers.ModelSerializer):
    token = serializers.SerializerMethodField(
        help_text="The token itself: returned once, when it is issued."
    )

    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "revoked", "token")
        read_only_fields = ("prefix", "created_at", "last_used_at", "revoked")

    def get_token(self, row) -> str | None:
        return getattr(row, "plain_token", None)


@extend_schema_view(
    list=extend_schema(tags=["Tokens"]),
    create=extend_schema(tags=["Tokens"]),
    destroy=extend_schema(tags=["Tokens"], description="Revoke the token (it stays listed)."),
)
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens; someone else's token answers 404."""

    serializer_class = ApiTokenSerializer
    permission_classes = (IsAuthenticated, ApiEnabled)
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name") or "api"
        plain = issue_token(request.user, name=name)
        row = find_token(plain)
        row.plain_token = plain
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if not revoke_token(instance):
            raise serializers.ValidationError({"revoked": [_("This token is already revoked.")]})
