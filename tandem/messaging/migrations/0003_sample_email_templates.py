"""A few sample email templates, so Send Email has something to offer on a fresh install."""

from django.db import migrations

SAMPLES = [
    (
        "Introduction",
        "First email to a new lead",
        "lead",
        'Introducing {{Organization.Name}} to {{Lead.Company|"your team"}}',
        'Dear {{Lead.FirstName|"Sir or Madam"}},\n\nThank you for your interest in '
        "{{Organization.Name}}. I would be glad to show you how we can help "
        '{{Lead.Company|"your team"}}.\n\nWhen would suit you for a short call?\n\n'
        "Best regards,\n{{User.Name}}\n{{User.Title}}\n{{User.Phone}}\n",
        '<p>Dear {{Lead.FirstName|"Sir or Madam"}},</p><p>Thank you for your interest in '
        "<strong>{{Organization.Name}}</strong>. I would be glad to show you how we can help "
        '{{Lead.Company|"your team"}}.</p><p>When would suit you for a short call?</p>'
        "<p>Best regards,<br>{{User.Name}}<br>{{User.Title}}<br>{{User.Phone}}</p>",
    ),
    (
        "Follow-up after a call",
        "Thank a contact for their time",
        "contact",
        'Following up on our call, {{Contact.FirstName|"and thank you"}}',
        'Dear {{Contact.FirstName|"Valued customer"}},\n\nThank you for your time today. '
        'As promised, here are the next steps for {{Contact.Account.Name|"your company"}}.\n\n'
        "Best regards,\n{{User.Name}}\n",
        '<p>Dear {{Contact.FirstName|"Valued customer"}},</p><p>Thank you for your time today. '
        'As promised, here are the next steps for {{Contact.Account.Name|"your company"}}.</p>'
        "<p>Best regards,<br>{{User.Name}}</p>",
    ),
    (
        "Proposal sent",
        "Cover note for a proposal",
        "opportunity",
        "Our proposal: {{Opportunity.Name}}",
        'Hello,\n\nPlease find our proposal for {{Opportunity.Account.Name|"your company"}}. '
        "We would like to agree on the next step ({{Opportunity.NextStep|\"a review call\"}}) "
        "before {{Opportunity.CloseDate}}.\n\nBest regards,\n{{User.Name}}\n",
        "",
    ),
]


def add_samples(apps, schema_editor):
    EmailTemplate = apps.get_model("messaging", "EmailTemplate")
    if EmailTemplate.objects.exists():
        return
    for name, description, object_name, subject, body, html_body in SAMPLES:
        EmailTemplate.objects.create(
            name=name,
            description=description,
            object_name=object_name,
            subject=subject,
            body=body,
            html_body=html_body,
            is_shared=True,
            is_active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_email_templates_and_sent_from_record")]

    operations = [migrations.RunPython(add_samples, migrations.RunPython.noop)]
