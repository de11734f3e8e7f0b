from django.urls import path

from tandem.partners import setup_views, views

urlpatterns = [
    path("portal/", views.portal_home, name="portal_home"),
    path("accounts/<int:pk>/partner/enable/", views.account_enable, name="partner_account_enable"),
    path("accounts/<int:pk>/partner/disable/", views.account_disable, name="partner_account_disable"),
    path("contacts/<int:pk>/partner-user/enable/", views.contact_enable_user, name="partner_user_enable"),
    path("contacts/<int:pk>/partner-user/disable/", views.contact_disable_user, name="partner_user_disable"),
    path("leads/<int:pk>/accept/", views.lead_accept, name="lead_accept"),
    path("setup/partners/", setup_views.partner_settings, name="partner_settings"),
    path("setup/partners/enable/", setup_views.enable_wizard, name="partner_enable"),
    path("setup/partners/limits/", setup_views.claim_limits, name="partner_claim_limits"),
]
