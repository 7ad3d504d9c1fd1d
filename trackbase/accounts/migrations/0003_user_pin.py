from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_device")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="pin_hash",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
    ]
