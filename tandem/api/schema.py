"""drf-spectacular extensions: the bearer token scheme, and `custom` described from CustomField rows."""

from django.db import DatabaseError
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)

CUSTOM_TYPE_SCHEMAS = {
    "text": {"type": "string"},
    "textarea": {"type": "string"},
    "phone": {"type": "string"},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
    "number": {"type": "number"},
    "currency": {"type": "number"},
    "percent": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "checkbox": {"type": "boolean"},
    "picklist": {"type": "string"},
    "multipicklist": {"type": "array", "items": {"type": "string"}},
    "lookup": {"type": "integer"},
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tandem.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `tandem token --email you@example.com`.",
        }


class CustomValuesFieldSchema(OpenApiSerializerFieldExtension):
    """The custom fields defined when the schema is generated, typed by their data type."""

    target_class = "tandem.api.record_fields.CustomValuesField"

    def map_serializer_field(self, auto_schema, direction):
        from tandem.core.models import CustomField

        properties = {}
        try:
            for cf in CustomField.objects.filter(object_name=self.target.object_name):
                schema = dict(CUSTOM_TYPE_SCHEMAS.get(cf.field_type, {"type": "string"}))
                schema["nullable"] = True
                schema["description"] = cf.label + (f": {cf.help_text}" if cf.help_text else "")
                properties[cf.name] = schema
        except DatabaseError:
            properties = {}
        return {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
            "description": "Custom field values by field name.",
        }
