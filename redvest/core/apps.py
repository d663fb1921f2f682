from django.apps import AppConfig
from django.core import checks
from django.core.signals import request_finished
from django.db.models import fields
from django.db.models.signals import pre_save
from django.tasks import signals as task_signals

from redvest.core import monitoring, request_id
from redvest.core.sms.checks import sms_settings_check

# Django's empty choice of every select (model choices, ModelChoiceField, ChoiceField with blank) has no
# zh-hans translation and would show "- Select an option -"; Django documents replacing it in ready().
BLANK_CHOICE_LABEL = "请选择"


class CoreConfig(AppConfig):
    name = "redvest.core"
    verbose_name = "基础"

    def ready(self) -> None:
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        checks.register(sms_settings_check)
        from django_tasks_db.models import DBTaskResult  # models load after the app registry

        from redvest.core import task_monitoring  # reads django-tasks-db's model

        monitoring.register(task_monitoring.task_queue_figures)
        request_finished.connect(request_id.request_finished, dispatch_uid="redvest-request-id")
        pre_save.connect(request_id.stamp_task_row, sender=DBTaskResult, dispatch_uid="redvest-request-id")
        # The worker sets a task's request id before Django's own "Task id=… path=…" line, so that line
        # carries it too: that receiver is moved behind ours. The id is cleared after the finishing line.
        task_signals.task_started.disconnect(task_signals.log_task_started)
        task_signals.task_started.connect(request_id.task_started, dispatch_uid="redvest-request-id")
        task_signals.task_started.connect(task_signals.log_task_started)
        task_signals.task_finished.connect(request_id.task_finished, dispatch_uid="redvest-request-id")
