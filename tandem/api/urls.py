"""/api/v1/: one set of endpoints per registered object, Setup under setup/, the schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from tandem.access.models import TARGET_KINDS
from tandem.api.directory_views import DirectoryViewSet
from tandem.api.records import record_viewset
from tandem.api.setup_views import SETUP_ENDPOINTS, CompanyViewSet
from tandem.api.token_views import ApiTokenViewSet
from tandem.core import registry

router = SimpleRouter()
for _obj in registry.all_objects():
    router.register(_obj.slug, record_viewset(_obj), basename=_obj.name)
router.register("tokens", ApiTokenViewSet, basename="api-token")
router.register("users", DirectoryViewSet, basename="directory-user")
for _segment, _viewset, _basename in SETUP_ENDPOINTS:
    router.register("setup/" + _segment, _viewset, basename=_basename)

# Choice sets shared by several fields get one stable component name each.
SCHEMA_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {
        "OrgWideDefaultEnum": "tandem.access.models.OWD_CHOICES",
        "ShareTargetKindEnum": "tandem.access.models.TARGET_KINDS",
        "SharingRuleTargetKindEnum": TARGET_KINDS[1:],
    },
}

company = CompanyViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS),
        name="api-schema",
    ),
    path("setup/company/", company, name="setup-company"),
    *router.urls,
]
