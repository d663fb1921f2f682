from django.apps import AppConfig
from django.db.models import fields

# Django's empty choice of every select (model choices, ModelChoiceField, ChoiceField with blank) has no
# zh-hans translation and would show "- Select an option -"; Django documents replacing it in ready().
BLANK_CHOICE_LABEL = "请选择"


class CoreConfig(AppConfig):
    name = "redvest.core"
    verbose_name = "基础"

    def ready(self) -> None:
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
