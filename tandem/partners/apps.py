from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "tandem.partners"
    label = "partners"

    def ready(self):
        # Partner sections on account and contact pages (the objects are registered by core).
        from tandem.core import registry
        from tandem.partners.views import contact_panel, partner_panel

        registry.get("account").extra.setdefault("detail_panels", []).append(partner_panel)
        registry.get("contact").extra.setdefault("detail_panels", []).append(contact_panel)
