from django.apps import AppConfig

from redvest.core import navigation


class ExchangeConfig(AppConfig):
    name = "redvest.exchange"
    label = "exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from redvest.exchange import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()
        navigation.register(nav.entries)
