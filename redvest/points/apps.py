from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "redvest.points"
    verbose_name = "积分银行与先锋指数"
