"""Issue and revoke API tokens. The plain token is shown once; only its hash is kept."""

import hashlib
import secrets

from django.utils import timezone

from tandem.api.models import ApiToken

TOKEN_PREFIX = "tdm_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user, name: str = "cli") -> str:
    """Create a token for `user` and return it in plain text (the only time it is available)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name[:80] or "cli", key_hash=hash_token(token), prefix=token[:12]
    )
    return token


def find_token(token: str) -> ApiToken | None:
    """The stored token matching a plain token, revoked or not, with its user."""
    if not token:
        return None
    return (
        ApiToken.objects.select_related("user__profile").filter(key_hash=hash_token(token)).first()
    )


def revoke_token(token: "str | ApiToken") -> bool:
    """Revoke one token, given in plain text or as the stored row. True if it was active."""
    if isinstance(token, ApiToken):
        rows = ApiToken.objects.filter(pk=token.pk, revoked=False)
    else:
        rows = ApiToken.objects.filter(key_hash=hash_token(token), revoked=False)
    return rows.update(revoked=True, revoked_at=timezone.now()) > 0


def revoke_user_tokens(user) -> int:
    """Revoke every active token of a user (e.g. when they leave). Returns how many."""
    return ApiToken.objects.filter(user=user, revoked=False).update(
        revoked=True, revoked_at=timezone.now()
    )
