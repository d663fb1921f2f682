from django.db import migrations

ITEMS = [("红马甲", "件"), ("帽子", "顶"), ("袖标", "个")]


def seed(apps, schema_editor):
    EquipmentItem = apps.get_model("equipment", "EquipmentItem")
    for name, unit in ITEMS:
        EquipmentItem.objects.get_or_create(name=name, defaults={"unit": unit})


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
