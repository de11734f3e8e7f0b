"""Which language a request is answered in: the user's, else the company's, else the browser's.

Django's LocaleMiddleware has already picked a language from the browser's Accept-Language
(it runs before authentication); this middleware runs after authentication and replaces it
with the user's own language (Setup → Users) or, when that is blank, the company's default
language (Setup → Company Profile). The browser's choice is kept only when neither names a
language Tandem ships. API clients with a Bearer token get their user's language too, so
validation errors come back in it.
"""

from django.utils import translation


def supported(code: str | None) -> str | None:
    """The shipped language for `code` ("pt" → "pt-br"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _token_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    from tandem.api.tokens import find_token

    row = find_token(parts[1])
    return row.user if row is not None and not row.revoked else None


def language_for(request) -> str | None:
    """The language to answer `request` in, or None to keep the browser's."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        user = _token_user(request)
    own = supported(getattr(user, "language", "")) if user is not None else None
    if own:
        return own
    from tandem.core.fields import current_company

    return supported(current_company().language)


class UserLanguageMiddleware:
    """Activate the user's or the company's language for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = language_for(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        # LocaleMiddleware (outside this one) sets Content-Language and Vary on the way out.
        return self.get_response(request)
