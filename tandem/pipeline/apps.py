from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    """The opportunity pipeline: board, stage history, contact roles and loss reasons."""

    name = "tandem.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        # Panels on the opportunity page (the object is registered by core, listed before us).
        from tandem.core import registry
        from tandem.pipeline.views import contact_roles_panel, stage_history_panel

        panels = registry.get("opportunity").extra.setdefault("detail_panels", [])
        for panel in (stage_history_panel, contact_roles_panel):
            if panel not in panels:
                panels.append(panel)
