"""Who may use the API at all, and who may use Setup through it."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class ApiEnabled(BasePermission):
    """The user's profile has the API Enabled system permission."""

    message = _("API access is not enabled for your profile.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_system_permission("api_enabled"))


class SystemPermission(BasePermission):
    """The user's profile has the system permission named by the view's `system_permission`."""

    message = _("You do not have permission to manage this part of Setup.")

    def has_permission(self, request, view):
        user = request.user
        name = getattr(view, "system_permission", "customize_application")
        return bool(user and user.is_authenticated and user.has_system_permission(name))
