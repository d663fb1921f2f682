"""Exemplars: the admin list (scoped), one story, the public list and detail (published only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from redvest.accounts.policy import Action, scope
from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.publicity.models import Exemplar, ExemplarPhoto, ExemplarStatus
from redvest.publicity.selectors.names import public_names
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from redvest.accounts.models import User


def _with_people(qs: QuerySet[Exemplar]) -> QuerySet[Exemplar]:
    return qs.select_related("org").prefetch_related(
        Prefetch("volunteers", queryset=Volunteer.objects.only("id", "name", "org_id").order_by("id")),
        Prefetch("teams", queryset=Team.objects.only("id", "name").order_by("id")),
    )


def exemplar_list(*, user: User, status: str = "", org: OrgNode | None = None) -> QuerySet[Exemplar]:
    """Stories the user may see (admins: their subtree, every status), newest first, with photo counts."""
    qs = scope(user, "exemplar", Exemplar.objects.all())
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(in_subtree_q("org__path", org.path))
    return _with_people(qs.annotate(photo_count=Count("photos"))).order_by("-id")


def exemplar_get(*, user: User, pk: int, action: Action = "view") -> Exemplar:
    found = scope(user, "exemplar", _with_people(Exemplar.objects.all()), action).filter(pk=pk).first()
    if found is None:
        raise NotFound("典型不存在或您无权查看")
    return found


def exemplar_photos(*, exemplar: Exemplar) -> list[ExemplarPhoto]:
    return list(exemplar.photos.order_by("order", "id"))


@dataclass(frozen=True)
class PublicExemplar:
    exemplar: Exemplar
    names: list[str]  # the volunteers as a public page may name them
    teams: list[str]
    photos: list[ExemplarPhoto]


def _public(items: list[Exemplar]) -> list[PublicExemplar]:
    names = public_names(v for e in items for v in e.volunteers.all())
    return [
        PublicExemplar(
            exemplar=e,
            names=[names[v.pk] for v in e.volunteers.all()],
            teams=[t.name for t in e.teams.all()],
            photos=list(e.photos.all()),
        )
        for e in items
    ]


def public_exemplars(*, org: OrgNode | None = None, page: int = 1, size: int | None = None) -> Page[PublicExemplar]:
    """Published stories for anyone (no login), newest first; a constant number of queries per page."""
    qs = Exemplar.objects.filter(status=ExemplarStatus.PUBLISHED)
    if org is not None:
        qs = qs.filter(in_subtree_q("org__path", org.path))
    qs = _with_people(qs).prefetch_related(Prefetch("photos", queryset=ExemplarPhoto.objects.order_by("order", "id")))
    found = paginate(qs.order_by("-published_at", "-id"), page=page, size=size)
    return Page(items=_public(found.items), count=found.count, number=found.number, size=found.size)


def public_exemplar(*, pk: int) -> PublicExemplar:
    """One published story; raises NotFound for drafts, submitted and unpublished ones."""
    qs = _with_people(Exemplar.objects.filter(status=ExemplarStatus.PUBLISHED, pk=pk)).prefetch_related(
        Prefetch("photos", queryset=ExemplarPhoto.objects.order_by("order", "id"))
    )
    found = qs.first()
    if found is None:
        raise NotFound("典型不存在或尚未发布")
    return _public([found])[0]


def photo_get(*, user: User | AnonymousUser, pk: int) -> ExemplarPhoto:
    """A photo anyone may fetch once its story is published; before that, whoever may see the story."""
    photo = ExemplarPhoto.objects.select_related("exemplar").filter(pk=pk).first()
    if photo is None:
        raise NotFound("照片不存在")
    if photo.exemplar.status != ExemplarStatus.PUBLISHED:
        visible = scope(user, "exemplar", Exemplar.objects.filter(pk=photo.exemplar_id))
        if not visible.exists():
            raise NotFound("照片不存在")
    return photo
