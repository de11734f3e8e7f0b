"""List pages read newest-first per access branch: (owner, created_at, id) and (lead_source, created_at, id)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='account',
            name='sales_accou_owner_i_ff99dd_idx',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='sales_conta_owner_i_0cf0ed_idx',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='sales_lead_owner_i_b585b8_idx',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='sales_lead_owner_q_a81ffd_idx',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='sales_lead_lead_so_78eae9_idx',
        ),
        migrations.RemoveIndex(
            model_name='opportunity',
            name='sales_oppor_owner_i_740612_idx',
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(fields=['owner', '-created_at', '-id'], name='sales_accou_owner_i_0da855_idx'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['owner', '-created_at', '-id'], name='sales_conta_owner_i_2a288f_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['owner', '-created_at', '-id'], name='sales_lead_owner_i_452e09_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['owner_queue', '-created_at', '-id'], name='sales_lead_owner_q_90832d_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['lead_source', '-created_at', '-id'], name='sales_lead_lead_so_546f77_idx'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['owner', '-created_at', '-id'], name='sales_oppor_owner_i_468d7a_idx'),
        ),
    ]
