"""`run_form`: the one way a page runs its service from a form, and `add_domain_error`, how a service's
error lands on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import RequestFactory

from redvest.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from redvest.core.forms import CheckedForm, add_domain_error, run_form


class NameForm(CheckedForm):
    name = forms.CharField(max_length=10)
    note = forms.CharField(required=False)


def post(data: dict[str, str]) -> Any:
    return RequestFactory().post("/", data)


class Recorder:
    """The service stand-in: records what it was called with, returns or raises what it is given."""

    def __init__(self, result: Any = None, error: DomainError | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.result, self.error = result, error

    def __call__(self, data: dict[str, Any]) -> Any:
        self.calls.append(dict(data))
        if self.error is not None:
            raise self.error
        return self.result


def test_a_get_runs_nothing_and_shows_the_form_with_200() -> None:
    service = Recorder()
    request = RequestFactory().get("/")
    done = run_form(request, NameForm(None), service)
    assert not done and done.status == 200 and service.calls == []


def test_invalid_input_runs_nothing_and_answers_400_with_the_field_error() -> None:
    service = Recorder()
    form = NameForm({"name": ""})
    done = run_form(post({"name": ""}), form, service)
    assert not done and done.status == 400 and service.calls == []
    assert form.errors == {"name": ["这个字段是必填项。"]}


def test_success_returns_what_the_service_returned() -> None:
    service = Recorder(result="新纪录")
    done = run_form(post({"name": "张三"}), NameForm({"name": "张三"}), service)
    assert done and done.status == 200 and done.value == "新纪录"
    assert service.calls == [{"name": "张三", "note": ""}]


def test_a_domain_error_naming_a_field_lands_on_it_with_the_errors_status() -> None:
    form = NameForm({"name": "张三"})
    done = run_form(post({"name": "张三"}), form, Recorder(error=Conflict("该名称已被使用", field="name")))
    assert not done and done.status == 409
    assert form.errors == {"name": ["该名称已被使用"]}


def test_a_domain_error_without_a_known_field_goes_on_top_of_the_form() -> None:
    form = NameForm({"name": "张三"})
    done = run_form(post({"name": "张三"}), form, Recorder(error=PermissionDenied(field="elsewhere")))
    assert done.status == 403
    assert form.non_field_errors() == ["您没有权限执行此操作"]


def test_validation_failed_puts_each_message_on_its_field_and_unknown_ones_on_top() -> None:
    form = NameForm({"name": "张三"})
    error = ValidationFailed({"name": "姓名过长", "note": "备注有误", "phone": "手机号有误"})
    done = run_form(post({"name": "张三"}), form, Recorder(error=error))
    assert done.status == 400
    assert form.errors["name"] == ["姓名过长"] and form.errors["note"] == ["备注有误"]
    assert form.non_field_errors() == ["手机号有误"]


def test_validation_failed_without_field_errors_still_shows_its_message() -> None:
    form = NameForm({"name": "张三"})
    assert form.is_valid()
    add_domain_error(form, ValidationFailed({}, message="提交的数据有误"))
    assert form.non_field_errors() == ["提交的数据有误"]


def test_value_of_a_form_that_did_not_run_is_refused() -> None:
    done = run_form(post({"name": ""}), NameForm({"name": ""}), Recorder())
    with pytest.raises(ValueError):
        done.value  # noqa: B018  # reading it is the point
