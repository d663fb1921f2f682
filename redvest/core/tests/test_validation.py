"""`model_errors` / `model_full_clean`: a model's field rules (its fields and `clean()`) as the app's
ValidationFailed, the model's own wording first, without queries."""

from __future__ import annotations

from typing import Any

import pytest

from redvest.core.errors import ValidationFailed
from redvest.core.jobs import job_enqueue
from redvest.core.validation import model_errors, model_full_clean
from redvest.teams.models import Specialty, Team, TeamKind


def test_the_models_own_message_wins_over_djangos_field_check() -> None:
    errors = model_errors(Team(name="队" * 101, kind="nonsense", rules=""))

    assert errors == {"name": "队名不能超过100个字", "kind": "请选择有效的队伍类型"}


def test_a_field_check_the_model_does_not_word_is_still_reported() -> None:
    errors = model_errors(Team(name="应急队", kind="nonsense", specialty="nonsense"))

    assert list(errors) == ["kind", "specialty"]
    assert errors["kind"] == "请选择有效的队伍类型"
    assert errors["specialty"]  # Django's own (Chinese) invalid-choice message


def test_a_valid_row_has_no_errors() -> None:
    assert model_errors(Team(name="应急队", kind=TeamKind.SPECIALIST, specialty=Specialty.FIRST_AID)) == {}
    assert model_errors(Team(name="先锋队", kind=TeamKind.VANGUARD)) == {}


@pytest.mark.django_db
def test_relations_are_not_looked_up(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert model_errors(Team(name="先锋队", kind=TeamKind.VANGUARD, org_id=987654, parent_id=987655)) == {}


def test_full_clean_raises_validation_failed_naming_each_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        model_full_clean(Team(name=" ", kind=TeamKind.GRID, specialty=Specialty.LEGAL))

    assert caught.value.errors == {"name": "请填写队名", "specialty": "只有专业服务队才能设置专业方向"}
    assert caught.value.message == "请填写队名；只有专业服务队才能设置专业方向"
    assert caught.value.as_dict()["code"] == "validation_error"


def test_a_job_of_an_unregistered_kind_is_not_enqueued() -> None:
    with pytest.raises(LookupError):
        job_enqueue(Team(name="x", kind=TeamKind.GRID))  # type: ignore[arg-type]  # not a HeartbeatJob on purpose
