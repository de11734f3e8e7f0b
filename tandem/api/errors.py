"""API errors as JSON: 400s name the field ({"errors": {"close_date": [...]}}), 404 is uniform.

Django's ValidationError (raised by core actions and filters) becomes a 400, and
core.actions.NotVisible becomes the same 404 as a record that does not exist.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_handler
from rest_framework.views import set_rollback

from tandem.core.actions import NotVisible

NON_FIELD = "non_field_errors"


def _as_errors(detail) -> dict:
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {NON_FIELD: detail}
    return {NON_FIELD: [detail]}


def exception_handler(exc, context):
    if isinstance(exc, (NotVisible, Http404)):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        set_rollback()
        return Response(
            {"errors": {NON_FIELD: [_("The change conflicts with existing data.")]}},
            status=status.HTTP_400_BAD_REQUEST,
        )

    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _as_errors(response.data)}
    elif isinstance(exc, exceptions.NotFound):
        response.data = {"detail": _("Not found.")}
    return response
