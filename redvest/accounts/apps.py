from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "redvest.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from redvest.accounts import access  # the role assignments' grants, read once apps are loaded

        access.register()
