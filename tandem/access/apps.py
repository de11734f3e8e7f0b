from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _client(request) -> tuple[str, str]:
    if request is None:
        return "", ""
    meta = getattr(request, "META", {})
    return (meta.get("REMOTE_ADDR") or "")[:45], (meta.get("HTTP_USER_AGENT") or "")[:255]


def record_login(sender, request=None, user=None, **kwargs):
    """Every successful login leaves a Login History row (reports, Adoption dashboard)."""
    from tandem.access.models import LoginHistory

    if user is None or not getattr(user, "pk", None):
        return
    ip, agent = _client(request)
    LoginHistory.objects.create(user=user, success=True, source_ip=ip, user_agent=agent)


def record_failed_login(sender, credentials=None, request=None, **kwargs):
    """A failed login is recorded only when the email is a user's (never store guesses)."""
    from tandem.access.models import LoginHistory, User

    email = str((credentials or {}).get("username") or (credentials or {}).get("email") or "")
    user = User.objects.filter(email__iexact=email.strip()).first() if email.strip() else None
    if user is None:
        return
    ip, agent = _client(request)
    LoginHistory.objects.create(user=user, success=False, source_ip=ip, user_agent=agent)


class AccessConfig(AppConfig):
    name = "tandem.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        user_logged_in.connect(record_login, dispatch_uid="tandem.access.record_login")
        user_login_failed.connect(
            record_failed_login, dispatch_uid="tandem.access.record_failed_login"
        )
