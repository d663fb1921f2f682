"""Exemplars: photo validation, draft → submitted → published by an admin over the node, unpublish with reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.audit.models import AuditEntry
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.publicity.errors import BadExemplarStatus
from redvest.publicity.models import Exemplar, ExemplarPhoto, ExemplarStatus
from redvest.publicity.selectors import exemplar_list, photo_get, public_exemplar, public_exemplars
from redvest.publicity.services import (
    ExemplarData,
    PhotoIn,
    exemplar_create,
    exemplar_publish,
    exemplar_submit,
    exemplar_unpublish,
    exemplar_update,
)
from redvest.publicity.services.exemplars import MAX_PHOTO_BYTES
from redvest.publicity.tests.factories import ExemplarFactory, admin_at, png_upload, volunteer_login
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def story(volunteers=(), teams=(), photos=()) -> ExemplarData:  # type: ignore[no-untyped-def]
    return ExemplarData(
        title="刘洪源带头清理小区垃圾",
        body="社区党员志愿者刘洪源带头清理小区垃圾，美化小区环境。",
        volunteer_ids=[v.pk for v in volunteers],
        team_ids=[t.pk for t in teams],
        photos=list(photos),
    )


def test_story_with_photos_goes_through_submit_and_publish(tree):
    admin = admin_at(tree.town_a)
    person = VolunteerFactory(org=tree.community_a, name="刘洪源")
    team = TeamFactory(org=tree.community_a)
    photos = [PhotoIn(png_upload("a.png"), "清理现场"), PhotoIn(png_upload("b.png"), "")]
    e = exemplar_create(actor=admin, org=tree.community_a, data=story([person], [team], photos))
    assert e.status == ExemplarStatus.DRAFT
    assert [p.caption for p in e.photos.order_by("order")] == ["清理现场", ""]
    with pytest.raises(BadExemplarStatus):
        exemplar_publish(actor=admin, exemplar=e)  # a draft is submitted first
    exemplar_submit(actor=admin, exemplar=e)
    published = exemplar_publish(actor=admin, exemplar=e)
    assert (published.status, published.published_by) == (ExemplarStatus.PUBLISHED, admin)
    assert published.published_at is not None
    shown = public_exemplar(pk=e.pk)
    assert shown.names == ["刘*源"] and len(shown.photos) == 2
    actions = AuditEntry.objects.filter(target_type="publicity.exemplar", target_id=str(e.pk))
    assert actions.count() == 3


def test_only_an_admin_over_the_node_publishes(tree):
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        exemplar_publish(actor=admin_at(tree.town_b), exemplar=e)
    with pytest.raises(PermissionDenied):
        exemplar_publish(actor=volunteer_login(tree.community_a).user, exemplar=e)
    exemplar_publish(actor=admin_at(tree.county), exemplar=e)  # an ancestor's admin may


def test_unpublish_needs_a_reason_and_hides_the_story(tree):
    admin = admin_at(tree.town_a)
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.PUBLISHED)
    with pytest.raises(ValidationFailed) as exc:
        exemplar_unpublish(actor=admin, exemplar=e, reason=" ")
    assert "reason" in exc.value.errors
    exemplar_unpublish(actor=admin, exemplar=e, reason="事迹核实有误")
    e.refresh_from_db()
    assert (e.status, e.unpublish_reason) == (ExemplarStatus.UNPUBLISHED, "事迹核实有误")
    assert AuditEntry.objects.filter(target_type="publicity.exemplar", reason="事迹核实有误").exists()
    with pytest.raises(NotFound):
        public_exemplar(pk=e.pk)
    assert public_exemplars().count == 0


def test_published_story_cannot_be_edited_until_unpublished(tree):
    admin = admin_at(tree.town_a)
    person = VolunteerFactory(org=tree.community_a)
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.PUBLISHED)
    with pytest.raises(BadExemplarStatus):
        exemplar_update(actor=admin, exemplar=e, data=story([person]))
    exemplar_unpublish(actor=admin, exemplar=e, reason="补充照片")
    exemplar_update(actor=admin, exemplar=e, data=story([person], photos=[PhotoIn(png_upload(), "补拍")]))
    assert e.photos.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.gif", b"GIF89a", content_type="image/gif"), "不是 JPG、PNG 或 WebP"),
        (SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png"), "无法识别为图片"),
        (SimpleUploadedFile("a.jpg", b"", content_type="image/jpeg"), "无法识别为图片"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(tree, upload, message):
    admin = admin_at(tree.town_a)
    person = VolunteerFactory(org=tree.community_a)
    with pytest.raises(ValidationFailed) as exc:
        exemplar_create(actor=admin, org=tree.community_a, data=story([person], photos=[PhotoIn(upload)]))
    assert message in exc.value.errors["photos"]
    assert not Exemplar.objects.exists() and not ExemplarPhoto.objects.exists()


def test_png_named_jpg_and_oversized_and_too_many_photos_are_refused(tree):
    admin = admin_at(tree.town_a)
    person = VolunteerFactory(org=tree.community_a)
    wrong_ext = png_upload("a.jpg")
    with pytest.raises(ValidationFailed, match="扩展名不符"):
        exemplar_create(actor=admin, org=tree.community_a, data=story([person], photos=[PhotoIn(wrong_ext)]))
    big = png_upload("big.png")
    big.size = MAX_PHOTO_BYTES + 1
    with pytest.raises(ValidationFailed, match="超过5MB"):
        exemplar_create(actor=admin, org=tree.community_a, data=story([person], photos=[PhotoIn(big)]))
    ten = [PhotoIn(png_upload(f"{i}.png")) for i in range(10)]
    with pytest.raises(ValidationFailed, match="最多9张"):
        exemplar_create(actor=admin, org=tree.community_a, data=story([person], photos=ten))
    assert not Exemplar.objects.exists()


def test_story_must_name_people_or_teams_within_its_subtree(tree):
    admin = admin_at(tree.county)
    with pytest.raises(ValidationFailed) as exc:
        exemplar_create(actor=admin, org=tree.community_a, data=story())
    assert "volunteers" in exc.value.errors
    elsewhere = VolunteerFactory(org=tree.town_b)
    with pytest.raises(ValidationFailed) as exc:
        exemplar_create(actor=admin, org=tree.community_a, data=story([elsewhere]))
    assert "volunteers" in exc.value.errors
    with pytest.raises(PermissionDenied):
        exemplar_create(actor=admin_at(tree.town_b), org=tree.community_a, data=story())


def test_admin_list_is_subtree_and_volunteers_see_published_only(tree):
    mine = ExemplarFactory(org=tree.community_a)
    ExemplarFactory(org=tree.town_b)
    published = ExemplarFactory(org=tree.town_b, status=ExemplarStatus.PUBLISHED)
    assert list(exemplar_list(user=admin_at(tree.town_a))) == [mine]
    assert list(exemplar_list(user=volunteer_login(tree.community_a).user)) == [published]


def test_draft_photos_are_private_published_photos_public(tree):
    from django.contrib.auth.models import AnonymousUser

    admin = admin_at(tree.town_a)
    person = VolunteerFactory(org=tree.community_a)
    e = exemplar_create(actor=admin, org=tree.community_a, data=story([person], photos=[PhotoIn(png_upload())]))
    photo = e.photos.get()
    with pytest.raises(NotFound):
        photo_get(user=AnonymousUser(), pk=photo.pk)
    assert photo_get(user=admin, pk=photo.pk) == photo
    exemplar_submit(actor=admin, exemplar=e)
    exemplar_publish(actor=admin, exemplar=e)
    assert photo_get(user=AnonymousUser(), pk=photo.pk) == photo


def test_public_story_names_a_consenting_volunteer_in_full_and_masks_the_rest(tree):
    from django.utils import timezone

    from redvest.evaluation.models import PublicityConsent

    proud = VolunteerFactory(org=tree.community_a, name="吴根升")
    shy = VolunteerFactory(org=tree.community_a, name="滕伯印")
    PublicityConsent.objects.create(volunteer=proud, granted=True, recorded_at=timezone.now())
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.PUBLISHED, people=[proud, shy])
    assert public_exemplar(pk=e.pk).names == ["吴根升", "滕*印"]
    PublicityConsent.objects.create(volunteer=proud, granted=False, recorded_at=timezone.now())  # withdrawn
    assert public_exemplar(pk=e.pk).names == ["吴*升", "滕*印"]
