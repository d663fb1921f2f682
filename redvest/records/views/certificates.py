"""志愿服务证明: list, issue, PDF, revoke, and the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.records import selectors
from redvest.records.certificate_pdf import certificate_pdf as render_pdf
from redvest.records.errors import CertificateRevoked
from redvest.records.forms import CertificateIssueForm, RevokeForm
from redvest.records.services import certificate_issue as issue
from redvest.records.services import certificate_revoke as revoke
from redvest.records.views._common import domain_errors


def verify_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("records:certificate-verify", args=[token]))


@login_required
@domain_errors
def certificate_list(request: AuthedRequest) -> HttpResponse:
    page = paginate(selectors.certificate_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "records/certificate_list.html", {"page": page})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def certificate_issue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = CertificateIssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: issue(
                actor=user,
                volunteer=selectors.volunteer_by_number(number=data["volunteer_number"])
                if data["volunteer_number"]
                else selectors.volunteer_of(user=user),
                period_start=data["period_start"],
                period_end=data["period_end"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "服务证明已出具，可下载PDF")
            return redirect("records:certificate-list")
    return render(request, "records/certificate_issue.html", {"form": form}, status=status)


@login_required
@domain_errors
@require_GET
def certificate_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_for(user=request.user, pk=pk)
    if certificate.is_revoked:
        raise CertificateRevoked("该证明已撤销，不能下载")
    pdf = render_pdf(certificate=certificate, verify_url=verify_url(request, certificate.verify_token))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_for(user=request.user, pk=pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request, form, lambda data: revoke(actor=request.user, certificate=certificate, reason=data["reason"])
        )
        status = run.status
        if run:
            messages.success(request, f"证明 {certificate.number} 已撤销")
            return redirect("records:certificate-list")
    return render(request, "records/certificate_revoke.html", {"form": form, "c": certificate}, status=status)


@domain_errors
@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public, no login: authenticity and totals of a certificate, without personal data."""
    return render(request, "records/certificate_verify.html", {"v": selectors.certificate_verification(token=token)})
