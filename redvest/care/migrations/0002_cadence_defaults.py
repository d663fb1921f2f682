"""The default visit cadence per category; administrators edit it afterwards."""

from django.db import migrations

DEFAULTS = {
    "lonely_elderly": 7,
    "empty_nest": 14,
    "disabled": 30,
    "military_family": 30,
    "poor_retiree": 30,
    "laid_off": 90,
    "poor_student": 30,
    "left_behind_child": 14,
    "other": 30,
}


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    VisitCadence = apps.get_model("care", "VisitCadence")
    for category, days in DEFAULTS.items():
        VisitCadence.objects.get_or_create(category=category, defaults={"days": days})


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
