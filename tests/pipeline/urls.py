from django.urls import include, path

from tandem.urls import urlpatterns as tandem_urlpatterns

urlpatterns = [path("", include("tandem.pipeline.urls")), *tandem_urlpatterns]
