"""Who may enter Setup: administrators (Customize Application); user pages also Manage Users.

Anybody else gets 404, like a record they may not see: Setup's existence is not advertised.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

CUSTOMIZE = "customize_application"
MANAGE_USERS = "manage_users"


def can_customize(user) -> bool:
    return user.is_authenticated and user.has_system_permission(CUSTOMIZE)


def can_manage_users(user) -> bool:
    return user.is_authenticated and (
        user.has_system_permission(CUSTOMIZE) or user.has_system_permission(MANAGE_USERS)
    )


def can_enter_setup(user) -> bool:
    return can_manage_users(user)


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


admin_required = _guard(can_customize)
users_admin_required = _guard(can_manage_users)
setup_required = _guard(can_enter_setup)
