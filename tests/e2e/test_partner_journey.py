"""The partner journey of the seeds, in Chromium, from enabling partner management to the
channel manager watching what the partner did.

An administrator enables partner relationship management through the one-way wizard; the
channel manager enables an account as partner and a contact as partner user; the partner logs
in with the welcome email's temporary password, must choose a new one, accepts a queue lead,
finds it in Recent Items, works it and converts it; the opportunity is under My Opportunities;
the channel manager sees it all on the partner account and has notifications waiting.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tandem.access.models import Group, GroupMember, User
from tandem.partners.models import PartnerProgram
from tests import factories as f
from tests.e2e.steps import field_value, label

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Partner-journey-2026!"
# The live server answers several pages per step while other suites run: be patient.
SLOW_MS = 30_000


def log_in_form(page, email, password):
    page.goto("/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_partner_journey(browse, org):
    app_bugs = []  # wrong behaviour met on the way, asserted at the end so the journey goes on
    channel_role = f.role("Channel Manager", org.vp_role)
    manager = f.user(
        "channel@example.com", role=channel_role, first_name="Carla", last_name="Channel"
    )
    account = f.account(manager, name="Northwind Traders")
    contact = f.contact(
        manager, account, first_name="Pat", last_name="Partner", email="pat@northwind.example"
    )

    # 1. The administrator enables partner relationship management, once and for good.
    admin = browse.new_page()
    log_in_form(admin, org.admin.email, f.PASSWORD)
    expect(admin.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible(
        timeout=SLOW_MS
    )
    admin.get_by_role("link", name="Setup").click()
    admin.get_by_role("link", name="Partner Relationship Management").first.click()
    expect(admin.get_by_role("heading", name="Partner Relationship Management")).to_be_visible()
    expect(admin.locator("#prm-status")).to_contain_text("off")
    admin.get_by_role("link", name="Enable Partner Relationship Management").click()
    expect(admin.get_by_text("This cannot be undone.", exact=True)).to_be_visible()
    # Next without the confirmation is refused.
    admin.get_by_role("button", name="Next").click()
    expect(
        admin.get_by_role("alert").filter(has_text="Confirm that you understand")
    ).to_be_visible()
    admin.get_by_label("I understand that this cannot be undone.").check()
    admin.get_by_role("button", name="Next").click()
    expect(admin.get_by_role("heading", name=re.compile(r"^Step 1: external"))).to_be_visible()
    admin.get_by_role("button", name="Next").click()
    expect(admin.get_by_role("heading", name=re.compile(r"^Step 2: sharing rules"))).to_be_visible()
    admin.get_by_role("button", name="Next").click()
    expect(admin.get_by_role("heading", name="Step 3: summary")).to_be_visible()
    expect(admin.get_by_role("cell", name="Leads", exact=True)).to_be_visible()
    admin.get_by_role("button", name="Finish").click()
    expect(admin.get_by_role("alert")).to_contain_text(
        "Partner relationship management is enabled."
    )
    status = admin.locator("#prm-status")
    expect(status).to_contain_text("Partner management cannot be turned off.")
    expect(
        admin.get_by_role("button", name=re.compile(r"Disable|Turn off", re.IGNORECASE))
    ).to_have_count(0)
    expect(admin.get_by_role("link", name="Enable Partner Relationship Management")).to_have_count(
        0
    )
    assert PartnerProgram.current().enabled

    # 2. The channel manager makes the account a partner and its contact a partner user.
    cm = browse.new_page()
    log_in_form(cm, manager.email, f.PASSWORD)
    expect(cm.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible(timeout=SLOW_MS)
    cm.goto(account.get_absolute_url())
    panel = cm.locator("#partner-panel")
    expect(panel).to_contain_text("This account is not a partner.")
    panel.get_by_role("button", name="Enable as Partner").click()
    expect(cm.get_by_role("alert")).to_contain_text("Northwind Traders is now a partner account.")
    expect(panel).to_contain_text("Channel manager: Carla Channel")

    cm.goto(contact.get_absolute_url())
    cm.locator("#partner-user-panel").get_by_role("link", name="Enable Partner User").click()
    expect(cm.get_by_role("heading", name=re.compile(r"^Enable Partner User: "))).to_be_visible()
    expect(cm.get_by_label(label("Email"))).to_have_value("pat@northwind.example")
    expect(cm.get_by_label(label("First name"))).to_have_value("Pat")
    expect(cm.get_by_label(label("Last name"))).to_have_value("Partner")
    expect(cm.get_by_label(label("Profile"))).not_to_have_value("")
    expect(cm.get_by_label(label("Partner role"))).not_to_have_value("")
    cm.get_by_role("button", name="Save", exact=True).click()
    expect(cm.get_by_role("alert")).to_contain_text("Partner user pat@northwind.example created")
    expect(cm.locator("#partner-user-panel")).to_contain_text("pat@northwind.example")

    # 3. The welcome email: portal link, login and a temporary password that works once.
    partner_user = User.objects.get(email="pat@northwind.example")
    assert partner_user.is_external and partner_user.must_change_password
    welcome = [m for m in mail.outbox if m.to == ["pat@northwind.example"]]
    assert len(welcome) == 1, [(m.to, m.subject) for m in mail.outbox]
    body = welcome[0].body
    portal_link = re.search(r"https?://\S+/portal/", body)
    assert portal_link, body
    assert portal_link.group(0).startswith(browse.base_url), (portal_link.group(0), browse.base_url)
    assert re.search(r"Login: pat@northwind\.example", body), body
    temporary = re.search(r"Temporary password: (\S+)", body)
    assert temporary, body

    partner = browse.new_page()  # a fresh context: the partner's own browser
    partner.goto(portal_link.group(0))
    expect(partner).to_have_url(re.compile(r"/login/"))
    partner.locator("#id_username").fill("pat@northwind.example")
    partner.locator("#id_password").fill(temporary.group(1))
    partner.get_by_role("button", name="Log in").click()
    expect(partner).to_have_url(re.compile(r"/password/change/"), timeout=SLOW_MS)
    expect(partner.get_by_role("alert")).to_contain_text(
        "You must choose a new password before you continue."
    )
    # Anything else leads back to the password form until the password is changed.
    partner.goto("/portal/")
    expect(partner).to_have_url(re.compile(r"/password/change/"))
    partner.locator("#id_old_password").fill(temporary.group(1))
    partner.locator("#id_new_password1").fill(NEW_PASSWORD)
    partner.locator("#id_new_password2").fill(NEW_PASSWORD)
    partner.get_by_role("button", name="Change password").click()
    expect(partner).to_have_url(re.compile(r"/portal/$"), timeout=SLOW_MS)
    expect(partner.get_by_role("heading", name="Welcome, Pat")).to_be_visible()
    partner_user.refresh_from_db()
    assert not partner_user.must_change_password
    assert partner_user.last_login is not None

    # 4. A lead waiting in the partner queue: Accept, Recent Items, edit, Convert.
    queue = Group.objects.create(
        name="Partner Leads", kind=Group.KIND_QUEUE, queue_objects=["lead"]
    )
    GroupMember.objects.create(group=queue, kind="user", user=partner_user)
    lead = f.lead(
        owner=None, owner_queue=queue, first_name="Grace", last_name="Hopper", company="Initech"
    )

    partner.goto("/portal/")
    expect(partner.locator("#queue-leads")).to_contain_text("Grace Hopper")
    partner.get_by_role("link", name="Leads").first.click()
    expect(partner.get_by_role("heading", name="Leads")).to_be_visible()
    row = partner.locator("#list-table tr", has_text="Hopper")
    expect(row.get_by_role("button", name="Accept")).to_be_visible()
    row.get_by_role("button", name="Accept").click()
    expect(partner).to_have_url(re.compile(rf"/leads/{lead.pk}/$"), timeout=SLOW_MS)
    expect(partner.get_by_role("alert")).to_contain_text("You accepted Grace Hopper.")
    expect(partner.get_by_text("Owner: Pat Partner")).to_be_visible()
    expect(partner.locator("#recent-items li").first).to_have_text(re.compile(r"Grace Hopper"))

    partner.get_by_role("link", name="Edit", exact=True).click()
    status_select = partner.get_by_label(label("Lead status"))
    expect(status_select).to_have_value("Open - Not Contacted")
    status_select.select_option("Working - Contacted")
    partner.get_by_role("button", name="Save", exact=True).click()
    expect(partner.get_by_role("alert")).to_contain_text("Saved.")
    expect(field_value(partner, "status")).to_have_text("Working - Contacted")

    partner.get_by_role("link", name="Convert", exact=True).click()
    expect(partner).to_have_url(re.compile(rf"/leads/{lead.pk}/convert/$"))
    # Record Owner should start as the person converting, as in Salesforce (and as the form's
    # set_initial_choice(user) intends); the page leaves it on --None--, so Convert alone is
    # refused with "This field is required". Noted here, picked by hand so the journey goes on.
    owner_select = partner.get_by_label(label("Record Owner"))
    if owner_select.input_value() != str(partner_user.pk):
        app_bugs.append(
            f"/leads/{lead.pk}/convert/: Record Owner defaults to --None-- instead of the current "
            f"user, so pressing Convert is refused with 'This field is required.'"
        )
        owner_select.select_option(str(partner_user.pk))
    partner.get_by_label(label("Opportunity name")).fill("Initech Upgrade")
    partner.get_by_role("button", name="Convert", exact=True).click()
    expect(partner.get_by_role("alert")).to_contain_text("Lead converted.", timeout=SLOW_MS)
    lead.refresh_from_db()
    assert lead.is_converted and lead.converted_opportunity is not None
    assert lead.converted_opportunity.owner_id == partner_user.pk

    partner.get_by_role("link", name="Opportunities").first.click()
    expect(partner.get_by_role("heading", name="Opportunities")).to_be_visible()
    view_select = partner.get_by_label("List view")
    expect(view_select.locator("option:checked")).to_have_text("My Opportunities")
    expect(partner.locator("#list-table")).to_contain_text("Initech Upgrade")

    # 5. The channel manager sees the partner's work on the partner account, and the bell.
    cm.goto(account.get_absolute_url())
    feed = cm.locator("#partner-feed")
    expect(feed.locator('[data-kind="accepted"]')).to_contain_text(
        "Pat Partner accepted lead Grace Hopper"
    )
    expect(feed.locator('[data-kind="status"]').first).to_contain_text(
        "changed the status of lead Grace Hopper from Open - Not Contacted to Working - Contacted"
    )
    expect(feed.locator('[data-kind="converted"]')).to_contain_text("converted lead Grace Hopper")
    unread = cm.locator("#unread-count")
    expect(unread).to_be_visible()
    expect(unread).to_have_text(re.compile(r"^[1-9]\d*$"))
    cm.locator("#notifications-menu").click()
    expect(cm.locator("main")).to_contain_text("Pat Partner (Northwind Traders)")
    assert not app_bugs, app_bugs
