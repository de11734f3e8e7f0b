from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    """The opportunity pipeline: board, stage history, contact roles and loss reasons."""

    name = "tandem.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")
