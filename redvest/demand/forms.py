"""Forms parse what people type; the services decide whether it is allowed."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone

from redvest.core.errors import ValidationFailed
from redvest.core.forms import CheckedForm
from redvest.demand.models import (
    AttributeType,
    FeedbackSource,
    Rating,
    ServiceAttribute,
    ServiceItem,
    Urgency,
)
from redvest.demand.selectors.menu import menu_grouped
from redvest.demand.services import OrderData, OrderLine, RequestData, Target, TimeSpent
from redvest.orgs.forms import label_with_county
from redvest.orgs.models import OrgNode

RATING_CHOICES = Rating.choices


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, obj.depth - 2) + obj.name


def item_choices() -> list[tuple[str, Any]]:
    return [("", "—— 选择服务项目（可输入编码或名称）——")] + [
        (label, [(i.code, f"{i.code} {i.name}") for i in items]) for label, items in menu_grouped()
    ]


def attribute_field(attr: ServiceAttribute) -> forms.Field:
    """An Open311 attribute as a form field (the same questions the API asks)."""
    common: dict[str, Any] = {"label": attr.description, "required": False, "help_text": attr.datatype_description}
    options = [(str(v.get("key")), str(v.get("name"))) for v in attr.values]
    if attr.datatype == AttributeType.SINGLE:
        return forms.ChoiceField(choices=[("", "——")] + options, **common)
    if attr.datatype == AttributeType.MULTI:
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if attr.datatype == AttributeType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, **common)
    if attr.datatype == AttributeType.DATETIME:
        return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if attr.datatype == AttributeType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    return forms.CharField(max_length=200, **common)


class AttributeFormMixin(CheckedForm):
    """Adds the chosen item's questions as `attribute[code]` fields (the Open311 names)."""

    def add_attribute_fields(self, code: str | None) -> list[str]:
        item = ServiceItem.objects.filter(code=code or "", is_active=True).first() if code else None
        names = []
        for attr in item.attributes.all() if item else []:
            name = f"attribute[{attr.code}]"
            self.fields[name] = attribute_field(attr)
            names.append(name)
        self.attribute_names = names
        return names

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in getattr(self, "attribute_names", [])]

    def attribute_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name in getattr(self, "attribute_names", []):
            value = self.cleaned_data.get(name)
            code = name[len("attribute[") : -1]
            if isinstance(value, str) and value and isinstance(self.fields[name].widget, forms.DateTimeInput):
                parsed = datetime.datetime.fromisoformat(value)
                value = (timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed).isoformat()
            answers[code] = value
        return answers


class IntakeForm(AttributeFormMixin):
    """The 96345 console and walk-in registration: every field reachable with Tab, Ctrl+Enter submits."""

    caller_phone = forms.CharField(
        label="来电号码", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    caller_name = forms.CharField(label="姓名", max_length=50, required=False)
    item = forms.ChoiceField(label="服务项目")
    description = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    address = forms.CharField(label="服务地址", max_length=200, required=False)
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    area = OrgChoiceField(
        label="所属村社区", queryset=OrgNode.objects.none(), required=False, empty_label="按坐标或受理点自动确定"
    )
    urgency = forms.TypedChoiceField(label="紧急程度", choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = item_choices()
        self.fields["item"].widget.attrs.update(
            {
                "hx-get": reverse("demand:item-attributes"),
                "hx-trigger": "change",
                "hx-target": "#attributes",
                "hx-include": "this",
            }
        )
        self.fields["caller_phone"].widget.attrs.update(
            {
                "autofocus": True,
                "hx-get": reverse("demand:caller-lookup"),
                "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "#caller",
                "hx-include": "this",
            }
        )
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.add_attribute_fields(self.data.get("item") if self.is_bound else None)

    def request_data(self) -> RequestData:
        d = self.cleaned_data
        area = d.get("area")
        return RequestData(
            item_code=d["item"],
            description=d["description"],
            urgency=d["urgency"],
            address=d.get("address", ""),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            area_id=area.pk if area else None,
            caller_name=d.get("caller_name", ""),
            caller_phone=d["caller_phone"],
            attributes=self.attribute_answers(),
            idempotency_key=d.get("idempotency_key", ""),
        )


class ResidentRequestForm(AttributeFormMixin):
    """我要求助 on a phone, the item already chosen by its buttons: the situation, the place (phone location
    or the village/community), how to reach the person. No account needed."""

    description = forms.CharField(
        label="具体情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, help_text="说说需要什么帮助"
    )
    area = OrgChoiceField(
        label="所在村社区",
        queryset=OrgNode.objects.none(),
        empty_label="请选择村社区",
        required=False,
        help_text="已用手机定位的可不选",
    )
    address = forms.CharField(label="详细地址", max_length=200, help_text="如：幸福小区3幢2单元401")
    name = forms.CharField(label="怎么称呼您", max_length=50, required=False)
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="志愿者和调度员用它联系您；凭它和查询码查看进度",
    )
    urgency = forms.TypedChoiceField(
        label="紧急程度", choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    latitude = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, item: ServiceItem, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        label_with_county(self.fields["area"])
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.add_attribute_fields(item.code)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        located = cleaned.get("latitude") is not None and cleaned.get("longitude") is not None
        if not cleaned.get("area") and not located and "area" not in self.errors:
            self.add_error("area", "请选择所在村社区，或点“使用手机定位”")
        return cleaned

    def request_data(self, *, name: str = "") -> RequestData:
        d = self.cleaned_data
        return RequestData(
            item_code=self.item.code,
            description=d["description"],
            urgency=d["urgency"],
            address=d["address"],
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            area_id=d["area"].pk if d.get("area") else None,
            caller_name=d.get("name") or name,
            caller_phone=d["phone"],
            attributes=self.attribute_answers(),
            idempotency_key=d.get("idempotency_key", ""),
        )


class TrackForm(CheckedForm):
    """查询进度: the phone the request was made with and the six-digit code shown on submitting."""

    phone = forms.CharField(label="手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    code = forms.CharField(
        label="查询码",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text="提交求助后页面显示的6位数字",
    )


class TrackedFeedbackForm(CheckedForm):
    rating = forms.ChoiceField(label="您对这次服务满意吗", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见建议", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def parse_target(value: str) -> Target | None:
    kind, _, pk = (value or "").partition(":")
    if kind in {"station", "team", "volunteer"} and pk.isdigit():
        return Target(kind, int(pk))
    return None


class DispatchForm(CheckedForm):
    """Pick one or more candidates (several = 组团); the part label says what each does."""

    target = forms.MultipleChoiceField(label="派单对象", required=False)
    note = forms.CharField(label="派单说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.data.getlist("target") if self.is_bound and hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["target"]).choices = [(v, v) for v in values]

    def targets(self) -> list[Target]:
        labels = {k[len("label_") :]: v for k, v in self.data.items() if k.startswith("label_")}
        found = []
        for value in self.cleaned_data.get("target", []):
            target = parse_target(value)
            if target is not None:
                found.append(Target(target.kind, target.id, part_label=str(labels.get(value, ""))[:100]))
        return found


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class NoteForm(CheckedForm):
    note = forms.CharField(label="说明", max_length=300)


class CompleteForm(CheckedForm):
    """Result, photos and each volunteer's minutes for one part."""

    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    time_lines = forms.CharField(
        label="其他志愿者用时",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "每行：志愿者编号 分钟，如 3305222026000001 60"}),
    )

    def __init__(self, *args: Any, volunteers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers
        for v in volunteers:
            self.fields[f"minutes_{v.pk}"] = forms.IntegerField(
                label=f"{v.name}（{v.number}）用时（分钟）", required=False, min_value=0, max_value=720
            )

    def time_spent(self, *, number_to_id: dict[str, int]) -> list[TimeSpent]:
        entries = []
        for v in self.volunteers:
            minutes = self.cleaned_data.get(f"minutes_{v.pk}")
            if minutes:
                entries.append(TimeSpent(v.pk, int(minutes)))
        for line in (self.cleaned_data.get("time_lines") or "").splitlines():
            bits = line.split()
            if not bits:
                continue
            if len(bits) != 2 or not bits[1].isdigit():
                raise ValidationFailed({"time_lines": f"格式应为「志愿者编号 分钟」：{line}"})
            if bits[0] not in number_to_id:
                raise ValidationFailed({"time_lines": f"志愿者编号不存在或不能计入本次派单：{bits[0]}"})
            entries.append(TimeSpent(number_to_id[bits[0]], int(bits[1])))
        return entries

    def numbers(self) -> list[str]:
        return [line.split()[0] for line in (self.data.get("time_lines") or "").splitlines() if line.split()]


class RatingForm(CheckedForm):
    rating = forms.ChoiceField(label="评价", choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(RatingForm):
    source = forms.ChoiceField(
        choices=FeedbackSource.choices, widget=forms.HiddenInput, initial=FeedbackSource.RESIDENT
    )


class SpotDrawForm(CheckedForm):
    root = OrgChoiceField(label="抽查范围", queryset=OrgNode.objects.none())
    start = forms.DateField(label="办结日期自", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label="抽查件数", min_value=1, max_value=50, initial=5)

    def __init__(self, *args: Any, roots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = roots  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field


class SpotRecordForm(CheckedForm):
    verified = forms.TypedChoiceField(
        label="服务是否属实",
        choices=[("1", "属实"), ("0", "不属实")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(label="群众满意度", choices=RATING_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label="抽查情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(CheckedForm):
    root = OrgChoiceField(label="范围", queryset=OrgNode.objects.none(), required=False)
    start = forms.DateField(label="自", widget=forms.DateInput(attrs={"type": "date"}), required=False)
    end = forms.DateField(label="至", widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def __init__(self, *args: Any, roots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = roots  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, end+1 00:00) in Shanghai time; the last 30 days by default."""
        today = timezone.localdate()
        d = self.cleaned_data if self.is_valid() else {}
        start = d.get("start") or today - datetime.timedelta(days=29)
        end = d.get("end") or today
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
        )


class OrderForm(CheckedForm):
    """点菜下单: pick items from the menu for a date, time window and place."""

    title = forms.CharField(label="订单名称", max_length=100)
    community = OrgChoiceField(label="下单社区", queryset=OrgNode.objects.none())
    place = forms.CharField(label="服务地点", max_length=200)
    date = forms.DateField(label="服务日期", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}))
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20)
    items = forms.MultipleChoiceField(label="点选服务项目", widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        cast(forms.ChoiceField, self.fields["items"]).choices = [
            (i.code, f"{i.name}") for _label, items in menu_grouped() for i in items
        ]
        self.grouped = menu_grouped()

    def order_data(self) -> OrderData:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        return OrderData(
            title=d["title"],
            community_id=d["community"].pk,
            place=d["place"],
            scheduled_start=datetime.datetime.combine(d["date"], d["start_time"], tzinfo=tz),
            scheduled_end=datetime.datetime.combine(d["date"], d["end_time"], tzinfo=tz),
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            note=d.get("note", ""),
            lines=[OrderLine(code) for code in d["items"]],
        )
