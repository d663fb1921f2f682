"""The first version of each service agreement text (新的版本由系统管理员在后台添加，志愿者签署最新版本)."""

from django.db import migrations

COMMON = (
    "一、志愿者自愿参加本次志愿服务活动，服从活动组织者的安排，遵守活动的安全要求和纪律。\n"
    "二、组织者如实告知活动内容、时间、地点、可能发生的风险和需要采取的防护措施，为志愿者提供必要的条件和保障。\n"
    "三、志愿者不得以志愿服务名义进行营利性活动，应当尊重服务对象的人格尊严，保护其个人信息和隐私。\n"
    "四、志愿者如身体不适或遇到意外，应立即告知活动负责人；组织者按照约定处理，依法承担相应责任。\n"
    "五、本协议依据《志愿服务条例》订立，志愿者在手机上点击同意即视为签署，签署时间和设备信息予以记录。"
)
TEXTS = [
    (
        "minor",
        "未成年人参加志愿服务协议",
        "未满十八周岁的志愿者参加志愿服务，应当安排与其年龄、身心状况相适应的活动，"
        "并须经监护人同意；未满十四周岁的，须在监护人陪同下参加。\n" + COMMON,
    ),
    (
        "long_term",
        "长期志愿服务协议",
        "本活动持续时间较长，志愿者应按约定的时段参加服务，确有困难不能参加的，应提前向负责人说明。\n" + COMMON,
    ),
    (
        "risky",
        "有风险志愿服务协议",
        "本活动可能对志愿者人身安全造成风险，组织者已为录用的志愿者投保意外伤害保险；"
        "志愿者应接受安全培训，按要求佩戴防护用品，不得擅自离开指定区域。\n" + COMMON,
    ),
    (
        "large_event",
        "大型活动志愿服务协议",
        "本活动为大型社会活动，志愿者应服从现场统一调度，遵守活动的安保和秩序规定，按岗位要求提供服务。\n" + COMMON,
    ),
]


def forwards(apps, schema_editor):
    AgreementTemplate = apps.get_model("activities", "AgreementTemplate")
    for kind, title, text in TEXTS:
        AgreementTemplate.objects.get_or_create(kind=kind, version="2026-1", defaults={"title": title, "text": text})


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_safeguards")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
