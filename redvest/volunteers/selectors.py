"""Reads on the volunteer ledger; every one is narrowed by the policy's scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import batched
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from redvest.accounts import policy
from redvest.core.crypto import blind_index, decrypt_many, mask_phone
from redvest.core.errors import NotFound
from redvest.core.pagination import Page
from redvest.core.validators import normalize_phone
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.volunteers import hooks
from redvest.volunteers.access import transfer_receivable_q, transfer_visible_q
from redvest.volunteers.models import (
    DeregistrationRequest,
    DeregistrationStatus,
    Gender,
    IdType,
    PersonalDataConsent,
    PoliticalStatus,
    RecruitmentSource,
    ServiceCategory,
    TransferStatus,
    Volunteer,
    VolunteerImport,
    VolunteerStatus,
    VolunteerStatusChange,
    VolunteerTransfer,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User

ORG_CHOICES_LIMIT = 500
VOLUNTEER_LIST_ORDER = ("-id",)  # newest first, on a unique key: the ledger pages by key (core.pagination)
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    phone: str = ""
    id_number: str = ""
    org_id: int | None = None
    status: str = ""
    political_status: str = ""
    team_id: int | None = None
    recruitment_source: str = ""


def _current_org_team() -> Prefetch[Any]:
    """The one current organisational membership, with its team, as `current_org_memberships`."""
    return hooks.one(hooks.org_team_prefetch())


def _number_prefix(prefix: str) -> Q:
    """Numbers starting with a digit prefix, as a range on the unique index (LIKE cannot use it in SQLite).
    Digit strings compare the same way under every collation; an all-nines prefix needs no upper bound."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    if len(upper) > len(prefix):
        return Q(number__gte=prefix)
    return Q(number__gte=prefix, number__lt=upper)


def volunteer_list(
    *,
    user: User,
    q: str = "",
    phone: str = "",
    id_number: str = "",
    org_id: int | None = None,
    status: str = "",
    political_status: str = "",
    team_id: int | None = None,
    recruitment_source: str = "",
) -> QuerySet[Volunteer]:
    """The ledger the user may see, newest first. `q` is a number prefix when it is all digits, else part of
    a name; phone and ID match exactly through the keyed hash; the org filter is that node's subtree.
    Org, party org and the current org team come along in constant queries."""
    qs = (
        Volunteer.objects.select_related("org", "party_org")
        .prefetch_related(_current_org_team())
        .order_by(*VOLUNTEER_LIST_ORDER)
    )
    q = q.strip()
    if q.isdigit():  # volunteer numbers are digits, names are not: each side uses its own index
        qs = qs.filter(_number_prefix(q))
    elif q:
        qs = qs.filter(name__contains=q)
    if phone.strip():
        qs = qs.filter(phone_hash=blind_index(normalize_phone(phone)))
    if id_number.strip():
        qs = qs.filter(id_number_hash=blind_index(id_number.replace(" ", "")))
    if org_id is not None:
        node = OrgNode.objects.filter(pk=org_id).only("path").first()
        qs = qs.filter(in_subtree_q("org__path", node.path)) if node else qs.none()
    if status:
        qs = qs.filter(status=status)
    if political_status:
        qs = qs.filter(political_status=political_status)
    if team_id is not None:
        qs = qs.filter(pk__in=hooks.one(hooks.current_member_ids(team_id)))
    if recruitment_source:
        qs = qs.filter(recruitment_source=recruitment_source)
    return policy.scope(user, "volunteer", qs)


def pending_registration_count(*, user: User) -> int:
    """Self-registrations waiting for the review of an admin over their node."""
    return policy.scope(user, "volunteer", Volunteer.objects.filter(status=VolunteerStatus.PENDING), "change").count()


def volunteer_list_filtered(*, user: User, filters: VolunteerFilters) -> QuerySet[Volunteer]:
    return volunteer_list(
        user=user,
        q=filters.q,
        phone=filters.phone,
        id_number=filters.id_number,
        org_id=filters.org_id,
        status=filters.status,
        political_status=filters.political_status,
        team_id=filters.team_id,
        recruitment_source=filters.recruitment_source,
    )


def volunteer_get(*, user: User, pk: int, action: policy.Action = "view") -> Volunteer:
    """One volunteer the user may see (or change); NotFound otherwise, so existence does not leak."""
    qs = Volunteer.objects.select_related("org", "party_org", "user").prefetch_related(_current_org_team())
    volunteer = policy.scope(user, "volunteer", qs, action).filter(pk=pk).first()
    if volunteer is None:
        raise NotFound("志愿者不存在或您无权查看")
    return volunteer


def volunteer_status_history(*, volunteer: Volunteer) -> QuerySet[VolunteerStatusChange]:
    return volunteer.status_changes.select_related("actor").order_by("-at", "-id")


def volunteer_memberships(*, volunteer: Volunteer) -> QuerySet[Any]:
    """Current organisational and activity teams, organisational first."""
    return hooks.one(hooks.current_memberships(volunteer))


def manageable_orgs(*, user: User) -> QuerySet[OrgNode]:
    """Org nodes the user may register people under, in tree order (for pickers)."""
    return policy.scope(user, "org", OrgNode.objects.order_by("path"), "change").only("id", "name", "path", "depth")


def org_options(*, user: User, selected: int | None = None) -> list[tuple[int, str]]:
    """(id, indented name) for the list's org filter, as a drill-down: the top of what the user manages and
    one level below it, plus the chosen node's ancestors and children (at most 500)."""
    managed = manageable_orgs(user=user)
    top = managed.order_by("depth").values_list("depth", flat=True).first()
    if top is None:
        return []
    shown = Q(depth__lte=top + 1)
    node = OrgNode.objects.filter(pk=selected).only("path", "depth").first() if selected else None
    if node is not None:
        shown |= Q(path__in=ancestors_paths(node.path)) | Q(in_subtree_q("path", node.path), depth=node.depth + 1)
    nodes = managed.filter(shown)[:ORG_CHOICES_LIMIT]
    return [(o.pk, "　" * max(0, o.depth - top) + o.name) for o in nodes]


def team_choices(*, user: User, org: OrgNode | None = None) -> QuerySet[Any]:
    """Active teams the user may assign people to; with `org`, those in its subtree."""
    return hooks.one(hooks.team_choices(user, org))


def public_team_choices() -> QuerySet[Any]:
    """Active teams a member of the public may choose when registering themselves."""
    return hooks.one(hooks.public_team_choices())


def public_team_get(*, pk: int | None) -> Any:
    return public_team_choices().filter(pk=pk).first() if pk else None


def volunteer_membership_history(*, volunteer: Volunteer) -> QuerySet[Any]:
    """Every team membership, current and ended, oldest first."""
    return hooks.one(hooks.membership_history(volunteer))


def volunteer_consents(*, volunteer: Volunteer) -> QuerySet[PersonalDataConsent]:
    return volunteer.consents.order_by("given_at", "id")


def volunteer_deregistrations(*, volunteer: Volunteer) -> QuerySet[DeregistrationRequest]:
    return volunteer.deregistration_requests.select_related("decided_by").order_by("-requested_at", "-id")


def deregistrations_pending(*, user: User) -> QuerySet[DeregistrationRequest]:
    """注销申请 waiting for the user's decision: volunteers they may change, oldest request first."""
    manageable = policy.scope(user, "volunteer", Volunteer.objects.all(), "change")
    return (
        DeregistrationRequest.objects.filter(status=DeregistrationStatus.PENDING, volunteer__in=manageable)
        .select_related("volunteer__org")
        .order_by("requested_at", "id")
    )


def deregistration_get(*, user: User, pk: int) -> DeregistrationRequest:
    """A 注销申请 of a volunteer the user may see; NotFound otherwise."""
    visible = policy.scope(user, "volunteer", Volunteer.objects.all(), "view")
    found = DeregistrationRequest.objects.select_related("volunteer").filter(pk=pk, volunteer__in=visible).first()
    if found is None:
        raise NotFound("注销申请不存在或您无权查看")
    return found


def org_get(*, pk: int | None) -> OrgNode | None:
    return OrgNode.objects.filter(pk=pk).first() if pk else None


def team_get(*, pk: int | None) -> Any:
    return hooks.one(hooks.team_get(pk)) if pk else None


# ---- Excel export -------------------------------------------------------------------------------


def _labels(choices: list[tuple[str, str]]) -> dict[str, str]:
    return dict(choices)


def _export_fields(sensitive: bool) -> tuple[str, ...]:
    """The ledger's columns as stored, in `excel.EXPORT_COLUMNS` order (org names joined, the team a subquery):
    full ID numbers and phones are read encrypted only when the export carries them."""
    return (
        "number",
        "name",
        "id_type",
        "id_number_encrypted" if sensitive else "id_number_masked",
        "gender",
        "birth_date",
        "phone_encrypted" if sensitive else "phone_masked",
        "political_status",
        "org__name",
        "export_team",
        "party_org__name",
        "work_unit",
        "residence_area",
        "skills",
        "service_categories",
        "specialties",
        "service_post",
        "availability",
        "recruitment_source",
        "recommender",
        "guardian_name",
        "guardian_phone_encrypted",
        "guardian_consent_date",
        "guardian_note",
        "status",
        "created_at",
    )


def volunteer_export_rows(*, qs: QuerySet[Volunteer], sensitive: bool) -> Iterator[list[Any]]:
    """The ledger's rows in `excel.EXPORT_COLUMNS` order, masked unless `sensitive`: the volunteers' columns
    with their org, party org and current team names, read as values in one query (streamed in chunks of
    EXPORT_CHUNK, however many rows); a chunk's ID numbers and phones are decrypted together, and only
    when the export shows them in full (a guardian's phone, masked or not, when there is one)."""
    genders, id_types = _labels(Gender.choices), _labels(IdType.choices)
    political, statuses = _labels(PoliticalStatus.choices), _labels(VolunteerStatus.choices)
    categories, sources = _labels(ServiceCategory.choices), _labels(RecruitmentSource.choices)
    tz = timezone.get_current_timezone()
    fields = _export_fields(sensitive)
    id_at = fields.index("id_number_encrypted" if sensitive else "id_number_masked")
    phone_at = fields.index("phone_encrypted" if sensitive else "phone_masked")
    guardian_at = fields.index("guardian_phone_encrypted")
    values = (
        qs.select_related(None)
        .prefetch_related(None)
        .annotate(export_team=hooks.one(hooks.org_team_name()))
        .values_list(*fields)
    )
    for chunk in batched(values.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        guardian_phones = decrypt_many([row[guardian_at] for row in chunk])  # mostly empty: adults have none
        id_numbers, phones = [row[id_at] for row in chunk], [row[phone_at] for row in chunk]
        if sensitive:
            id_numbers, phones = decrypt_many(id_numbers), decrypt_many(phones)
        for j, (
            number,
            name,
            id_type,
            _id_number,
            gender,
            birth_date,
            _phone,
            political_status,
            org_name,
            team_name,
            party_org_name,
            work_unit,
            residence_area,
            skills,
            service_categories,
            specialties,
            service_post,
            availability,
            recruitment_source,
            recommender,
            guardian_name,
            _guardian_phone,
            guardian_consent_date,
            guardian_note,
            status,
            created_at,
        ) in enumerate(chunk):
            guardian_phone = guardian_phones[j]
            yield [
                number,
                name,
                id_types.get(id_type, id_type),
                id_numbers[j],
                genders.get(gender, gender),
                birth_date.isoformat(),
                phones[j],
                political.get(political_status, political_status),
                org_name,
                team_name or "",
                party_org_name or "",
                work_unit,
                residence_area,
                "、".join(skills),
                "、".join(categories.get(c, c) for c in service_categories),
                specialties,
                service_post,
                availability,
                sources.get(recruitment_source, recruitment_source),
                recommender,
                guardian_name,
                guardian_phone if sensitive else mask_phone(guardian_phone),
                guardian_consent_date.isoformat() if guardian_consent_date else "",
                guardian_note,
                statuses.get(status, status),
                created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]


# ---- Imports -------------------------------------------------------------------------------------


def import_get(*, user: User, pk: int) -> VolunteerImport:
    """An import the user started or manages the org of; NotFound otherwise."""
    imp = VolunteerImport.objects.select_related("org", "created_by").filter(pk=pk).first()
    if imp is None or not (imp.created_by_id == user.pk or policy.can_manage_under(user, imp.org)):
        raise NotFound("导入记录不存在或您无权查看")
    return imp


def import_list(*, user: User) -> QuerySet[VolunteerImport]:
    """Recent imports into orgs the user manages."""
    qs = VolunteerImport.objects.select_related("org", "created_by").order_by("-created_at", "-id")
    orgs = policy.scope(user, "org", OrgNode.objects.all(), "change").values("id")
    return qs.filter(org_id__in=orgs)


def import_error_page(*, imp: VolunteerImport, page: int, size: int = 100) -> Page[dict[str, Any]]:
    """The preview's errors, a page at a time (a 10,000-row file may hold as many errors)."""
    errors = list(imp.errors)
    count = len(errors)
    number = min(max(1, page), max(1, -(-count // size)))
    return Page(items=errors[(number - 1) * size : number * size], count=count, number=number, size=size)


def import_error_report(*, imp: VolunteerImport) -> bytes:
    """The bad rows of an import as uploaded, each with its row number and all its problems (xlsx)."""
    from redvest.volunteers.excel import error_report_workbook, read_import_sheet

    messages: dict[int, list[str]] = {}
    for error in imp.errors:
        messages.setdefault(int(error["row"]), []).append(f"{error['label']}：{error['message']}")
    with imp.file.open("rb") as handle:
        sheet = read_import_sheet(handle)
    rows = ((r.number, r.raw, "；".join(messages[r.number])) for r in sheet.rows if r.number in messages)
    return error_report_workbook(headers=sheet.headers, rows=rows)


def transfer_list(*, user: User, status: str = "", incoming_only: bool = False) -> QuerySet[VolunteerTransfer]:
    """转移接续 the user may see (own record; admins: leaving or entering their subtree), newest first;
    `incoming_only` keeps those the user may decide. One query per page whatever its size."""
    q = transfer_receivable_q(user) if incoming_only else transfer_visible_q(user)
    qs = VolunteerTransfer.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("volunteer", "from_org", "to_org", "requested_by", "decided_by").order_by(
        "-requested_at", "-id"
    )


def transfers_pending_count(*, user: User) -> int:
    """待接收的转移接续 the user may decide (to-do count)."""
    if not policy.home_orgs(user):
        return 0
    return VolunteerTransfer.objects.filter(transfer_receivable_q(user), status=TransferStatus.PENDING).count()


def transfer_get(*, user: User, pk: int) -> VolunteerTransfer:
    """One transfer the user may see; NotFound otherwise."""
    found = transfer_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("转移接续申请不存在或您无权查看")
    return found


def volunteer_transfers(*, volunteer: Volunteer) -> QuerySet[VolunteerTransfer]:
    """A volunteer's transfer history, newest first (shown on their record)."""
    return volunteer.transfers.select_related("from_org", "to_org", "requested_by", "decided_by").order_by(
        "-requested_at", "-id"
    )


def transfer_targets(*, q: str, limit: int = 20) -> list[OrgNode]:
    """Receiving nodes for a transfer: any node of the tree by name (names are public), shallowest first."""
    q = q.strip()
    if not q:
        return []
    return list(OrgNode.objects.filter(name__icontains=q).order_by("depth", "path")[:limit])


def volunteer_by_id_hash(*, id_number_hash: str) -> Volunteer | None:
    """The record holding this keyed ID hash (the duplicate found at registration), with its org."""
    return Volunteer.objects.select_related("org").filter(id_number_hash=id_number_hash).first()
