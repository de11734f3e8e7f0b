"""Until tandem.pipeline is wired into tandem/settings.py and tandem/urls.py, tests run with
`--ds=tests.pipeline.settings`, which adds the app and its URLs on top of the real settings."""

from tandem.settings import *

if "tandem.pipeline" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "tandem.pipeline"]
    ROOT_URLCONF = "tests.pipeline.urls"
