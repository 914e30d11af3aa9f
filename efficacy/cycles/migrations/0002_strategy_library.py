"""Install the strategy library that ships with the product."""

from django.db import migrations


def install(apps, schema_editor):
    from efficacy.cycles.plan.strategy_library import library_install

    library_install(apps.get_model("cycles", "Strategy"), apps.get_model("cycles", "LookFor"))


def uninstall(apps, schema_editor):
    Strategy = apps.get_model("cycles", "Strategy")
    Strategy.objects.filter(school__isnull=True, cycle_uses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cycles", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
