from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "redvest.activities"
    verbose_name = "活动与服务时长"
