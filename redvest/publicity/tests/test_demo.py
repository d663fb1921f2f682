"""The demo writer: commitments with follow-ups, published exemplars with photos, sessions with marks."""

from __future__ import annotations

import random

import pytest

from redvest.demo.publicity import write_publicity
from redvest.publicity.models import AttendanceMark, Commitment, CommitmentFollowUp, Exemplar, ExemplarStatus
from redvest.publicity.selectors import public_exemplars, wall
from redvest.publicity.tests.factories import admin_at, volunteer_login
from redvest.records.models import ServiceRecord
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_demo_publicity_fills_wall_stories_and_training(tree):
    for node in (tree.community_a, tree.town_b):
        for _ in range(8):
            VolunteerFactory(org=node)
    me = volunteer_login(tree.community_a)
    summary = write_publicity(random.Random(1), admin=admin_at(tree.county), root=tree.county, demo_volunteer=me)
    assert summary.commitments == Commitment.objects.count() == 17
    assert Commitment.objects.filter(volunteer=me).exists()
    assert CommitmentFollowUp.objects.count() == summary.follow_ups > 0
    assert wall(org=tree.county).page.count == 17
    assert Exemplar.objects.filter(status=ExemplarStatus.PUBLISHED).count() == 10
    assert public_exemplars().items[0].photos
    assert summary.sessions == 20 and AttendanceMark.objects.count() == summary.marks > 0
    assert AttendanceMark.objects.filter(corrects__isnull=False).exclude(reason="").exists()
    assert not ServiceRecord.objects.exists()
