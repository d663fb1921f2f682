from django.apps import AppConfig

from redvest.core import navigation


class ExchangeConfig(AppConfig):
    name = "redvest.exchange"
    label = "exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from redvest.exchange import access, nav, selectors  # rules, menu and panel, read once apps are loaded
        from redvest.volunteers import hooks as volunteer_hooks

        access.register()
        volunteer_hooks.detail_panels.register(selectors.transferred_panel)
        navigation.register(nav.entries)
