"""`Authorization: Bearer <token>` authentication for the REST API."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from tandem.api.models import ApiToken
from tandem.api.tokens import find_token

# last_used_at is refreshed at most this often, so reads do not each cost a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: expected “Bearer <token>”.")
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        row = find_token(token)
        if row is None or row.revoked:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed(_("This user is inactive."))
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{self.keyword} realm="api"'
