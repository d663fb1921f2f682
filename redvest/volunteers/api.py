"""/api/v1/volunteers: the ledger over HTTP. Handlers parse, call one service or selector, and return."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound, ValidationFailed
from redvest.core.schemas import ErrorOut, ExportTicketOut, Id
from redvest.orgs.models import OrgNode
from redvest.volunteers import selectors
from redvest.volunteers.consent import CURRENT_TEXTS, ConsentText
from redvest.volunteers.errors import TransferInvalid
from redvest.volunteers.models import DeregistrationRequest, Volunteer, VolunteerImport, VolunteerTransfer
from redvest.volunteers.schemas import (
    ConsentTextOut,
    DeregistrationDecisionIn,
    DeregistrationIn,
    DeregistrationOut,
    ImportConfirmIn,
    ImportOut,
    SelfRegisterIn,
    SelfRegisterOut,
    SensitiveOut,
    StatusIn,
    TransferFilter,
    TransferIn,
    TransferNoteIn,
    TransferOut,
    VolunteerFields,
    VolunteerFilter,
    VolunteerIn,
    VolunteerOut,
    VolunteerPatch,
)
from redvest.volunteers.services import (
    ConsentChoices,
    VolunteerData,
    deregistration_decide,
    deregistration_request,
    transfer_decide,
    transfer_request,
    transfer_withdraw,
    volunteer_data_of,
    volunteer_export_request,
    volunteer_import_confirm,
    volunteer_import_retry,
    volunteer_import_start,
    volunteer_register,
    volunteer_reveal,
    volunteer_self_register,
    volunteer_set_status,
    volunteer_update,
)

router = Router(tags=["志愿者"])


def _filters(f: VolunteerFilter) -> selectors.VolunteerFilters:
    return selectors.VolunteerFilters(
        q=f.q,
        phone=f.phone,
        id_number=f.id_number,
        org_id=f.org,
        status=f.status,
        political_status=f.political_status,
        team_id=f.team,
        recruitment_source=f.recruitment_source,
    )


def _party_org(pk: int | None) -> OrgNode | None:
    node = selectors.org_get(pk=pk)
    if pk and node is None:
        raise ValidationFailed({"party_org": "所在党组织不存在"})
    return node


def _data(payload: VolunteerFields) -> VolunteerData:
    values = payload.dict()
    values["party_org"] = _party_org(values.pop("party_org"))
    return VolunteerData(**{k: v for k, v in values.items() if k in VolunteerData.__dataclass_fields__})


def _fresh(request: HttpRequest, volunteer: Volunteer) -> Volunteer:
    return selectors.volunteer_get(user=request.auth, pk=volunteer.pk)  # type: ignore[attr-defined]  # ninja sets request.auth


@router.get(
    "/", response=list[VolunteerOut], summary="志愿者列表（脱敏），可按姓名/编号、手机号、证件号、组织子树、状态筛选"
)
@paginate
def volunteer_list(request: HttpRequest, filters: Query[VolunteerFilter]) -> QuerySet[Any]:
    qs = selectors.volunteer_list_filtered(user=request.auth, filters=_filters(filters))  # type: ignore[attr-defined]  # ninja sets request.auth
    return qs


@router.post("/", response={201: VolunteerOut}, summary="登记志愿者（错误时400，errors 指明字段）")
def volunteer_create(request: HttpRequest, payload: VolunteerIn) -> Status[Volunteer]:
    volunteer = volunteer_register(
        actor=request.auth,  # type: ignore[attr-defined]  # ninja sets request.auth
        org=selectors.org_get(pk=payload.org),
        team=selectors.team_get(pk=payload.team),
        data=_data(payload),
        password=payload.password,
    )
    return Status(201, _fresh(request, volunteer))


@router.post(
    "/export",
    response={202: ExportTicketOut, 400: ErrorOut},
    summary="后台导出志愿者台账（Excel 或 CSV；列见 volunteers.excel；脱敏规则同页面；进度见 status_url）",
)
def volunteer_export_create(
    request: HttpRequest, filters: Query[VolunteerFilter], format: Literal["xlsx", "csv"] = "xlsx"
) -> Status[ExportTicketOut]:
    ticket = volunteer_export_request(actor=api_user(request), filters=_filters(filters), fmt=format)
    return Status(202, ExportTicketOut(id=ticket.id, status_url=ticket.api_url, download_url=ticket.download_url))


@router.post("/imports", response={202: ImportOut}, summary="上传 Excel 导入（默认仅预检；进度见 GET /imports/{id}）")
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    org: Form[Id],
    dry_run: Form[bool] = True,
    skip_bad_rows: Form[bool] = False,
) -> Status[VolunteerImport]:
    imp = volunteer_import_start(
        actor=request.auth,  # type: ignore[attr-defined]  # ninja sets request.auth
        org=selectors.org_get(pk=org),
        upload=file,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    return Status(202, selectors.import_get(user=request.auth, pk=imp.pk))  # type: ignore[attr-defined]  # ninja sets request.auth


@router.get("/imports/{int:import_id}", response=ImportOut, summary="导入状态、进度和错误行")
def import_detail(request: HttpRequest, import_id: int) -> VolunteerImport:
    return selectors.import_get(user=request.auth, pk=import_id)  # type: ignore[attr-defined]  # ninja sets request.auth


@router.post("/imports/{int:import_id}/confirm", response={202: ImportOut}, summary="预检后确认导入")
def import_confirm(request: HttpRequest, import_id: int, payload: ImportConfirmIn) -> Status[VolunteerImport]:
    imp = selectors.import_get(user=request.auth, pk=import_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    volunteer_import_confirm(actor=request.auth, imp=imp, skip_bad_rows=payload.skip_bad_rows)  # type: ignore[attr-defined]  # ninja sets request.auth
    return Status(202, selectors.import_get(user=request.auth, pk=import_id))  # type: ignore[attr-defined]  # ninja sets request.auth


@router.post("/imports/{int:import_id}/retry", response={202: ImportOut}, summary="重试中断或因系统错误失败的导入")
def import_retry(request: HttpRequest, import_id: int) -> Status[VolunteerImport]:
    imp = selectors.import_get(user=request.auth, pk=import_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    volunteer_import_retry(actor=request.auth, imp=imp)  # type: ignore[attr-defined]  # ninja sets request.auth
    return Status(202, selectors.import_get(user=request.auth, pk=import_id))  # type: ignore[attr-defined]  # ninja sets request.auth


@router.get("/{int:volunteer_id}", response=VolunteerOut, summary="志愿者详情（脱敏）")
def volunteer_detail(request: HttpRequest, volunteer_id: int) -> Volunteer:
    return selectors.volunteer_get(user=request.auth, pk=volunteer_id)  # type: ignore[attr-defined]  # ninja sets request.auth


@router.patch("/{int:volunteer_id}", response=VolunteerOut, summary="修改志愿者信息（整条记录重新校验，留审计）")
def volunteer_patch(request: HttpRequest, volunteer_id: int, payload: VolunteerPatch) -> Volunteer:
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id, action="change")  # type: ignore[attr-defined]  # ninja sets request.auth
    data = volunteer_data_of(volunteer)
    changes = payload.dict(exclude_unset=True)
    if "party_org" in changes:
        changes["party_org"] = _party_org(changes["party_org"])
    for key, value in changes.items():
        setattr(
            data, key, value if value is not None or key in {"party_org", "birth_date", "guardian_consent_date"} else ""
        )
    volunteer = volunteer_update(actor=request.auth, volunteer=volunteer, data=data)  # type: ignore[attr-defined]  # ninja sets request.auth
    return _fresh(request, volunteer)


@router.post(
    "/{int:volunteer_id}/status", response=VolunteerOut, summary="状态变更：待审核→已注册→暂停/注销，暂停→已注册"
)
def volunteer_status(request: HttpRequest, volunteer_id: int, payload: StatusIn) -> Volunteer:
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    volunteer_set_status(actor=request.auth, volunteer=volunteer, status=payload.status, reason=payload.reason)  # type: ignore[attr-defined]  # ninja sets request.auth
    return _fresh(request, volunteer)


@router.post(
    "/{int:volunteer_id}/reveal", response=SensitiveOut, summary="查看完整证件号码和手机号（仅管理员，留审计）"
)
def volunteer_reveal_full(request: HttpRequest, volunteer_id: int) -> Any:
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    return volunteer_reveal(actor=request.auth, volunteer=volunteer)  # type: ignore[attr-defined]  # ninja sets request.auth


@router.get("/consent-texts", response=list[ConsentTextOut], auth=None, summary="注册须同意的告知文本（当前版本全文）")
def consent_texts(request: HttpRequest) -> list[ConsentText]:
    return list(CURRENT_TEXTS.values())


@router.post(
    "/register",
    response={201: SelfRegisterOut},
    auth=None,
    summary="公开自助注册（待审核）；缺少必需的同意时422，errors 指明 consent_* 字段",
)
def self_register(request: HttpRequest, payload: SelfRegisterIn) -> Status[Volunteer]:
    volunteer = volunteer_self_register(
        team=selectors.public_team_get(pk=payload.team),
        data=_data(payload),
        password=payload.password,
        password_confirm=payload.password_confirm,
        consents=ConsentChoices(
            processing=payload.consent_processing,
            sensitive=payload.consent_sensitive,
            guardian=payload.consent_guardian,
        ),
    )
    return Status(201, volunteer)


@router.post("/{int:volunteer_id}/deregistration", response={201: DeregistrationOut}, summary="本人申请注销志愿者身份")
def deregistration_create(request: HttpRequest, volunteer_id: int, payload: DeregistrationIn) -> Status[Any]:
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    return Status(201, deregistration_request(actor=request.auth, volunteer=volunteer, reason=payload.reason))  # type: ignore[attr-defined]  # ninja sets request.auth


@router.post(
    "/deregistrations/{int:request_id}/decision",
    response=DeregistrationOut,
    summary="管理员确认（删除个人信息、关闭登录）或不同意注销申请",
)
def deregistration_decision(
    request: HttpRequest, request_id: int, payload: DeregistrationDecisionIn
) -> DeregistrationRequest:
    pending = selectors.deregistration_get(user=request.auth, pk=request_id)  # type: ignore[attr-defined]  # ninja sets request.auth
    return deregistration_decide(actor=request.auth, request=pending, approve=payload.approve, note=payload.note)  # type: ignore[attr-defined]  # ninja sets request.auth


# ---- 转移接续 -----------------------------------------------------------------------------------


@router.get("/transfers", response=list[TransferOut], summary="转移接续列表：本人的，及转出或转入本人管理范围的")
@paginate
def transfer_list(request: HttpRequest, filters: Query[TransferFilter]) -> QuerySet[Any]:
    return selectors.transfer_list(user=api_user(request), status=filters.status or "", incoming_only=filters.incoming)


@router.post(
    "/transfers",
    response={201: TransferOut},
    summary="申请转移接续（本人或所属组织管理员；错误时422，errors 指明字段）",
)
def transfer_create(request: HttpRequest, payload: TransferIn) -> Status[VolunteerTransfer]:
    user = api_user(request)
    try:
        volunteer = selectors.volunteer_get(user=user, pk=payload.volunteer)
    except NotFound as exc:
        raise TransferInvalid({"volunteer": "志愿者不存在或您无权查看"}) from exc
    to_org = selectors.org_get(pk=payload.to_org)
    if to_org is None:
        raise TransferInvalid({"to_org": "转入组织不存在"})
    transfer = transfer_request(actor=user, volunteer=volunteer, to_org=to_org, reason=payload.reason)
    return Status(201, selectors.transfer_get(user=user, pk=transfer.pk))


@router.get("/transfers/{int:transfer_id}", response=TransferOut, summary="转移接续详情")
def transfer_detail(request: HttpRequest, transfer_id: int) -> VolunteerTransfer:
    return selectors.transfer_get(user=api_user(request), pk=transfer_id)


@router.post("/transfers/{int:transfer_id}/accept", response=TransferOut, summary="转入组织管理员接收")
def transfer_accept(request: HttpRequest, transfer_id: int, payload: TransferNoteIn) -> VolunteerTransfer:
    user = api_user(request)
    transfer = selectors.transfer_get(user=user, pk=transfer_id)
    transfer_decide(actor=user, transfer=transfer, accept=True, note=payload.note)
    return selectors.transfer_get(user=user, pk=transfer_id)


@router.post("/transfers/{int:transfer_id}/refuse", response=TransferOut, summary="转入组织管理员拒绝（须填理由）")
def transfer_refuse(request: HttpRequest, transfer_id: int, payload: TransferNoteIn) -> VolunteerTransfer:
    user = api_user(request)
    transfer = selectors.transfer_get(user=user, pk=transfer_id)
    transfer_decide(actor=user, transfer=transfer, accept=False, note=payload.note)
    return selectors.transfer_get(user=user, pk=transfer_id)


@router.post(
    "/transfers/{int:transfer_id}/withdraw", response=TransferOut, summary="处理前撤回（申请人、本人或转出组织管理员）"
)
def transfer_withdraw_view(request: HttpRequest, transfer_id: int, payload: TransferNoteIn) -> VolunteerTransfer:
    user = api_user(request)
    transfer = selectors.transfer_get(user=user, pk=transfer_id)
    transfer_withdraw(actor=user, transfer=transfer, note=payload.note)
    return selectors.transfer_get(user=user, pk=transfer_id)
