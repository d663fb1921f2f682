"""The demo writer: commitments with follow-ups, published exemplars with photos, sessions with marks."""

from __future__ import annotations

import random

import pytest

from redvest.demo.publicity import STORIES, fits_story, write_publicity
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.publicity.models import AttendanceMark, Commitment, CommitmentFollowUp, Exemplar, ExemplarStatus
from redvest.publicity.selectors import public_exemplars, wall
from redvest.publicity.tests.factories import admin_at, volunteer_login
from redvest.records.models import ServiceRecord
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_demo_publicity_fills_wall_stories_and_training(tree):
    unit = org_node(name="县民政局", kind=OrgKind.UNIT, parent=tree.county)
    for node in (tree.community_a, tree.town_b):
        for _ in range(8):
            VolunteerFactory(org=node)
    VolunteerFactory(org=unit)
    me = volunteer_login(tree.community_a)
    summary = write_publicity(random.Random(1), admin=admin_at(tree.county), root=tree.county, demo_volunteer=me)
    assert summary.commitments == Commitment.objects.count() == 18
    assert Commitment.objects.filter(volunteer=me).exists()
    assert CommitmentFollowUp.objects.count() == summary.follow_ups > 0
    assert wall(org=tree.county).page.count == 18
    # Only the stories someone fits are told: the community one and the 县民政局 one here.
    stories = {title: who for title, _, who in STORIES}
    published = Exemplar.objects.filter(status=ExemplarStatus.PUBLISHED).prefetch_related("volunteers__org")
    assert published.count() == summary.exemplars >= 2
    assert {"带头清理小区垃圾的老党员", "空巢老人的贴心人"} <= {e.title for e in published}
    assert all(fits_story(v, stories[e.title]) for e in published for v in e.volunteers.all())
    assert public_exemplars().items[0].photos
    assert summary.sessions == 20 and AttendanceMark.objects.count() == summary.marks > 0
    assert AttendanceMark.objects.filter(corrects__isnull=False).exclude(reason="").exists()
    assert not ServiceRecord.objects.exists()
