from django.apps import AppConfig

from redvest.core import navigation


class EvaluationConfig(AppConfig):
    name = "redvest.evaluation"
    label = "evaluation"
    verbose_name = "评议与考核"

    def ready(self) -> None:
        from redvest.evaluation import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()

        navigation.register(nav.entries)
