from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_profiles'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessmentrun',
            name='failures',
            field=models.JSONField(blank=True, default=list, help_text='How earlier tries stopped (timeout, memory, crash, interrupted); a run that stops the same way twice is not tried again.'),
        ),
    ]
