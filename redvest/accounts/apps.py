from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed

from redvest.core import monitoring as core_monitoring


class AccountsConfig(AppConfig):
    name = "redvest.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from redvest.accounts import (  # the grants, the node page's roles section, the login figures (axes' model)
            access,
            monitoring,
            node_roles,
        )

        access.register()
        node_roles.register()
        core_monitoring.register(monitoring.lockout_figures)
        user_login_failed.connect(monitoring.count_login_failure, dispatch_uid="redvest-login-failures")
