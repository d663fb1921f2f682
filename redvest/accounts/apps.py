from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "redvest.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from redvest.accounts import (  # the role assignments' grants and the node page's roles section
            access,
            node_roles,
        )

        access.register()
        node_roles.register()
