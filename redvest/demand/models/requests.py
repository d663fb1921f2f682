"""Requests (工单) and what happens to them: residents, dispatch parts, errands, menu orders, history."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.core.crypto import blind_index, decrypt
from redvest.demand.models.menu import DemandCategory, ServiceItem


class Resident(models.Model):
    """A person who asked for help; found again by phone (keyed hash) when they call back."""

    name = models.CharField("姓名", max_length=50, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, default="", editable=False)
    address = models.CharField("常用地址", max_length=200, blank=True, default="")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey(
        "orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="所在区域"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_profile"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务对象"
        constraints = [
            models.UniqueConstraint(fields=["phone_hash"], condition=~Q(phone_hash=""), name="uniq_resident_phone")
        ]

    def __str__(self) -> str:
        return self.name or self.phone_masked or f"服务对象#{self.pk}"

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)


class RequestChannel(models.TextChoices):
    HOTLINE = "hotline", "96345热线"
    WALK_IN = "walk_in", "服务点登记"
    WEB = "web", "网上诉求"
    MENU = "menu", "点菜下单"
    OPEN311 = "open311", "开放接口"


class Urgency(models.IntegerChoices):
    NORMAL = 1, "一般"
    URGENT = 2, "紧急"
    CRITICAL = 3, "特急"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待派单"
    DISPATCHED = "dispatched", "已派单待接单"
    ACCEPTED = "accepted", "处理中"
    RETURNED = "returned", "退回待派"
    RESOLVED = "resolved", "已办结待回访"
    CLOSED = "closed", "已回访归档"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED, RequestStatus.RETURNED)
DONE_STATUSES = (RequestStatus.RESOLVED, RequestStatus.CLOSED)
# Open311 knows two states: anything still being worked on is "open".
OPEN311_CLOSED = (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.CANCELLED)


class OrderStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已完成"
    CANCELLED = "cancelled", "已撤销"


class MenuOrder(models.Model):
    """A 点菜 order: a community picks items from the menu for a date and place; each line is a request,
    served by its own team (组团), and the order closes when every line does."""

    title = models.CharField("订单名称", max_length=100)
    community = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="menu_orders", verbose_name="下单社区"
    )
    place = models.CharField("服务地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    scheduled_start = models.DateTimeField("开始时间")
    scheduled_end = models.DateTimeField("结束时间")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone_encrypted = models.TextField(blank=True, default="", editable=False)
    contact_phone_masked = models.CharField("联系电话", max_length=20, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "点菜订单"
        ordering = ["-scheduled_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=models.F("scheduled_start")), name="order_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ServiceRequest(models.Model):
    """One request (工单). Due times are absolute and set by the intake service."""

    number = models.CharField("工单号", max_length=20, unique=True)
    token = models.CharField(max_length=32, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    channel = models.CharField("来源", max_length=10, choices=RequestChannel.choices)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="requests", verbose_name="服务项目")
    category = models.CharField("类别", max_length=20, choices=DemandCategory.choices)
    is_errand = models.BooleanField("红色代办", default=False)
    order = models.ForeignKey(
        MenuOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="requests", verbose_name="点菜订单"
    )
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests", verbose_name="服务对象"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intake_org = models.ForeignKey(
        "orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="受理单位"
    )
    intake_station = models.ForeignKey(
        "orgs.Station", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记站点"
    )
    area = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域")
    description = models.TextField("诉求内容", blank=True, default="")
    address = models.CharField("服务地址", max_length=200, blank=True, default="")
    address_id = models.CharField("地址编码", max_length=64, blank=True, default="")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices, default=Urgency.NORMAL)
    attributes = models.JSONField("附加信息", default=dict, blank=True)
    reporter = models.JSONField("提交人信息", default=dict, blank=True)
    media_url = models.CharField("图片链接", max_length=500, blank=True, default="")
    status = models.CharField("状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    status_notes = models.CharField("状态说明", max_length=300, blank=True, default="")
    needs_redispatch = models.BooleanField("有退单待处理", default=False)
    scheduled_start = models.DateTimeField("预约开始", null=True, blank=True)
    scheduled_end = models.DateTimeField("预约结束", null=True, blank=True)
    result_summary = models.TextField("办理结果", blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("受理时间")
    updated_at = models.DateTimeField("更新时间")
    dispatched_at = models.DateTimeField("首次派单", null=True, blank=True)
    accepted_at = models.DateTimeField("首次接单", null=True, blank=True)
    responded_at = models.DateTimeField("到场/响应", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("归档时间", null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    arrival_due_at = models.DateTimeField("到场时限")
    resolution_due_at = models.DateTimeField("办结时限")
    arrival_breached_at = models.DateTimeField("到场超时标记", null=True, blank=True)
    resolution_breached_at = models.DateTimeField("办结超时标记", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)
    escalated_to = models.ForeignKey(
        "orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="已升级至"
    )
    reopened_count = models.PositiveSmallIntegerField("重办次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "需求工单"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["status", "-urgency", "arrival_due_at"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["resident", "-created_at"]),
            # The SLA sweep reads only what can still breach: two small partial indexes.
            models.Index(
                fields=["arrival_due_at"],
                condition=Q(
                    status__in=["pending", "dispatched", "accepted", "returned"],
                    responded_at__isnull=True,
                    arrival_breached_at__isnull=True,
                ),
                name="demand_arrival_watch",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(
                    status__in=["pending", "dispatched", "accepted", "returned"],
                    resolution_breached_at__isnull=True,
                ),
                name="demand_resolution_watch",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_due_at__gte=models.F("arrival_due_at")), name="request_resolution_after_arrival"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="request_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="request_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"工单{self.number}"

    @property
    def tracking_code(self) -> str:
        """The six digits a resident without an account quotes with their phone to follow this request;
        derived from the secret token with the keyed hash, so nothing more is stored."""
        return f"{int(blind_index(f'track:{self.token}')[:12], 16) % 1_000_000:06d}"

    @property
    def resident_status(self) -> str:
        """The status in the words a resident understands (never internal ones such as 退回待派)."""
        if self.status == RequestStatus.CANCELLED:
            return "已撤销"
        if self.status in DONE_STATUSES:
            return "已办结"
        if self.responded_at is not None and self.status == RequestStatus.ACCEPTED:
            return "志愿者已到达"
        if self.status in (RequestStatus.DISPATCHED, RequestStatus.ACCEPTED):
            return "已派志愿者"
        return "已受理"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open311_status(self) -> str:
        return "closed" if self.status in OPEN311_CLOSED else "open"

    @property
    def watched_due_at(self) -> datetime.datetime | None:
        """The clock the board shows: arrival until someone is on site, then resolution; none once done."""
        if not self.is_open:
            return None
        return self.arrival_due_at if self.responded_at is None else self.resolution_due_at


class RequestCounter(models.Model):
    """Per day, the last issued request number (locked row while numbering)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "待接单"
    ACCEPTED = "accepted", "已接单"
    DONE = "done", "已完成"
    DECLINED = "declined", "已拒单"
    STALLED = "stalled", "超时未接"
    RECALLED = "recalled", "已撤回改派"


ACTIVE_DISPATCH_STATUSES = (DispatchStatus.PENDING, DispatchStatus.ACCEPTED)
_ACTIVE = Q(status__in=["pending", "accepted"])


class Dispatch(models.Model):
    """One part of a request given to one station, team or volunteer. Re-dispatching adds a row and leaves
    the old one (recalled, declined, stalled) as history; 组团 means several active parts at once."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="dispatches")
    part_label = models.CharField("分工", max_length=100, blank=True, default="")
    station = models.ForeignKey(
        "orgs.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    status = models.CharField(max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING)
    via_rule = models.BooleanField("规则派单", default=False)
    reasons = models.JSONField("推荐理由", default=list, blank=True)
    note = models.CharField("派单说明", max_length=300, blank=True, default="")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField()
    accept_due_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField("拒单原因", max_length=300, blank=True, default="")
    arrived_at = models.DateTimeField("到场时间", null=True, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.TextField("办理结果", blank=True, default="")
    activity = models.OneToOneField(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="demand_dispatch"
    )
    recalled_at = models.DateTimeField(null=True, blank=True)
    recall_reason = models.CharField("撤回原因", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "派单"
        ordering = ["dispatched_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(station__isnull=False, team__isnull=True, volunteer__isnull=True)
                    | Q(station__isnull=True, team__isnull=False, volunteer__isnull=True)
                    | Q(station__isnull=True, team__isnull=True, volunteer__isnull=False)
                ),
                name="dispatch_exactly_one_assignee",
            ),
            models.UniqueConstraint(
                fields=["request", "station"],
                condition=_ACTIVE & Q(station__isnull=False),
                name="one_active_part_per_station",
            ),
            models.UniqueConstraint(
                fields=["request", "team"], condition=_ACTIVE & Q(team__isnull=False), name="one_active_part_per_team"
            ),
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=_ACTIVE & Q(volunteer__isnull=False),
                name="one_active_part_per_volunteer",
            ),
        ]
        indexes = [
            models.Index(fields=["accept_due_at"], condition=Q(status="pending"), name="demand_dispatch_accept_watch"),
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["station", "status"]),
        ]

    def __str__(self) -> str:
        return f"派单#{self.pk} {self.assignee_name}"

    @property
    def assignee_kind(self) -> str:
        if self.station_id is not None:
            return "station"
        return "team" if self.team_id is not None else "volunteer"

    @property
    def assignee(self) -> models.Model:
        return self.station or self.team or self.volunteer  # type: ignore[return-value]  # exactly one is set

    @property
    def assignee_name(self) -> str:
        if self.station_id is not None:
            return str(self.station)
        if self.team_id is not None:
            return str(self.team)
        return self.volunteer.name if self.volunteer else ""

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DISPATCH_STATUSES


class DispatchPhoto(models.Model):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("现场照片", upload_to="demand/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "现场照片"
        ordering = ["id"]


class EventKind(models.TextChoices):
    CREATED = "created", "受理"
    DISPATCHED = "dispatched", "派单"
    ACCEPTED = "accepted", "接单"
    DECLINED = "declined", "拒单"
    STALLED = "stalled", "超时未接单"
    RECALLED = "recalled", "撤回改派"
    ARRIVED = "arrived", "到场"
    PART_DONE = "part_done", "分单完成"
    RESOLVED = "resolved", "办结"
    RETURNED = "returned", "退回调度"
    REOPENED = "reopened", "重新办理"
    ARRIVAL_OVERDUE = "arrival_overdue", "到场超时"
    RESOLUTION_OVERDUE = "resolution_overdue", "办结超时"
    CANCELLED = "cancelled", "撤销"
    CALLBACK = "callback", "回访"
    FEEDBACK = "feedback", "服务反馈"
    SPOT_CHECK = "spot_check", "抽查"
    ERRAND = "errand", "代办进度"
    CLOSED = "closed", "归档"


class RequestEvent(models.Model):
    """The request's history: every state change, who, when and why."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatch = models.ForeignKey(Dispatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    message = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "工单记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]


class ErrandDocument(models.Model):
    """One document on a 红色代办 checklist."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="errand_documents")
    name = models.CharField("材料", max_length=100)
    order = models.PositiveSmallIntegerField(default=1)
    received_at = models.DateTimeField("收到时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "代办材料"
        ordering = ["order", "id"]


class ErrandStep(models.Model):
    """One progress step of a 红色代办, done in order."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="errand_steps")
    name = models.CharField("步骤", max_length=100)
    order = models.PositiveSmallIntegerField(default=1)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "代办步骤"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="uniq_errand_step_order")]
