"""Pages of the annual awards: thin — parse, call one service or selector, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.accounts.models import User
from redvest.accounts.policy import can
from redvest.awards import selectors as sel
from redvest.awards import services
from redvest.awards.forms import (
    CampaignForm,
    JudgeForm,
    NominationForm,
    ObjectionForm,
    QuotaForm,
    ResolveForm,
    ScoreForm,
    WithdrawForm,
)
from redvest.awards.models import AwardCampaign, EntryType, Nomination, Stage, TieRule
from redvest.awards.pdf import results_pdf
from redvest.awards.ranking import TIER_RULE
from redvest.awards.rules import describe_rules
from redvest.core.errors import DomainError, NotFound, PermissionDenied
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.orgs.models import OrgNode

if TYPE_CHECKING:
    from django.http import HttpResponseRedirect

ALLOW_4XX_SWAP = "awards/_partials/htmx_config.html"


shows_domain_errors = domain_error_pages("awards/error.html", fragment="awards/_partials/error.html")


def _back(campaign: AwardCampaign) -> HttpResponseRedirect:
    return redirect("awards:campaign-detail", campaign.pk)


# ---- Campaigns ---------------------------------------------------------------------------------


@login_required
def campaign_list_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(sel.campaign_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "awards/campaign_list.html",
        {
            "page": page,
            "judging": list(sel.judge_campaigns(user=request.user)[:20]),
            "can_create": sel.admin_roots(user=request.user).exists(),
        },
    )


@login_required
@shows_domain_errors
def campaign_form_view(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change") if pk else None
    roots = list(sel.admin_roots(user=request.user))
    if campaign is None and not roots:
        raise PermissionDenied("只有组织管理员可以发起评选")
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign))

    def save(_: dict[str, Any]) -> AwardCampaign:
        if campaign is None:
            org = next((o for o in roots if str(o.pk) == request.POST.get("org")), roots[0])
            return services.campaign_create(actor=request.user, org=org, data=form.data_object())
        services.campaign_update(actor=request.user, campaign=campaign, data=form.data_object())
        return campaign

    done = run_form(request, form, save)
    if done:
        messages.success(request, f"评选已保存：{done.value.name}")
        return _back(done.value)
    return render(
        request, "awards/campaign_form.html", {"form": form, "campaign": campaign, "roots": roots}, status=done.status
    )


@login_required
@shows_domain_errors
def campaign_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    admin = can(request.user, "change", campaign)
    orgs = list(sel.nominating_orgs(user=request.user, campaign=campaign))
    judge_orgs = sel.unit_choices(campaign=campaign)
    context = {
        "c": campaign,
        "admin": admin,
        "rules": describe_rules(campaign),
        "quotas": sel.quotas(campaign=campaign, orgs=orgs),
        "judges": list(sel.judges(campaign=campaign)) if admin else [],
        "is_judge": sel.judge_campaigns(user=request.user).filter(campaign=campaign).exists(),
        "decisions": list(sel.decisions(campaign=campaign)[:10]),
        "judge_form": JudgeForm(prefix="judge"),
        "quota_form": QuotaForm(prefix="quota"),
        "judge_orgs": list(judge_orgs[:200]),
        "stages": Stage.choices,
        "now": timezone.now(),
    }
    return render(request, "awards/campaign_detail.html", context)


@login_required
@require_POST
@shows_domain_errors
def campaign_advance_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change")
    campaign = services.campaign_advance(actor=request.user, campaign=campaign, now=timezone.now())
    messages.success(request, f"已进入“{campaign.get_stage_display()}”阶段")
    return _back(campaign)


@login_required
@require_POST
@shows_domain_errors
def judge_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change")
    form = JudgeForm(request.POST, prefix="judge")
    cast(ChoiceField, form.fields["org"]).choices = [(o.pk, o.name) for o in sel.unit_choices(campaign=campaign)]
    if not form.is_valid():
        messages.error(request, "请填写评委登录名并选择所在单位")
        return _back(campaign)
    user = User.objects.filter(username=form.cleaned_data["username"]).first()
    if user is None:
        messages.error(request, "未找到该登录名的用户")
        return _back(campaign)
    org = OrgNode.objects.get(pk=form.cleaned_data["org"])
    services.judge_add(
        actor=request.user, campaign=campaign, user=user, org=org, is_expert=form.cleaned_data["is_expert"]
    )
    messages.success(request, f"已添加评委：{user.name or user.username}（{org.name}）")
    return _back(campaign)


@login_required
@require_POST
@shows_domain_errors
def quota_set_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change")
    form = QuotaForm(request.POST, prefix="quota")
    cast(ChoiceField, form.fields["org"]).choices = [(o.pk, o.name) for o in sel.unit_choices(campaign=campaign)]
    if not form.is_valid():
        messages.error(request, "请选择单位并填写名额")
        return _back(campaign)
    org = OrgNode.objects.get(pk=form.cleaned_data["org"])
    services.quota_set(actor=request.user, campaign=campaign, org=org, quota=form.cleaned_data["quota"])
    messages.success(request, f"{org.name}的推荐名额已设为{form.cleaned_data['quota']}个")
    return _back(campaign)


# ---- Nominations -------------------------------------------------------------------------------


@login_required
@shows_domain_errors
def nominate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    orgs = list(sel.nominating_orgs(user=request.user, campaign=campaign))
    if not orgs:
        raise PermissionDenied("您没有可以推荐的单位")
    quotas = sel.quotas(campaign=campaign, orgs=orgs)
    targets = sel.target_choices(campaign=campaign, orgs=orgs)
    form = NominationForm(
        request.POST or None, request.FILES or None, orgs=quotas, targets=targets, entry_type=campaign.entry_type
    )

    def nominate(d: dict[str, Any]) -> Nomination:
        target_id = (
            sel.volunteer_by_number(number=d["target"])
            if campaign.entry_type == EntryType.VOLUNTEER
            else int(d["target"])
        )
        return services.nomination_create(
            actor=request.user,
            campaign=campaign,
            org=next(o for o in orgs if o.pk == d["org"]),
            target_id=target_id,
            materials=d["materials"],
            name_consent=bool(d.get("name_consent")),
            files=request.FILES.getlist("attachments"),
            now=timezone.now(),
        )

    done = run_form(request, form, nominate)
    if done:
        messages.success(request, f"已推荐“{done.value.name}”参评")
        return redirect("awards:entry-list", campaign.pk)
    return render(
        request,
        "awards/nominate.html",
        {"c": campaign, "form": form, "quotas": quotas, "rules": describe_rules(campaign)},
        status=done.status,
    )


@login_required
@shows_domain_errors
def entry_list_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    page = paginate(
        sel.nomination_list(user=request.user, campaign=campaign, status=status),
        page=parse_page(request.GET.get("page")),
    )
    return render(
        request,
        "awards/entry_list.html",
        {"c": campaign, "page": page, "status": status, "admin": can(request.user, "change", campaign)},
    )


@login_required
@shows_domain_errors
def entry_withdraw_view(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    nomination = sel.nomination_get(user=request.user, pk=nomination_id, action="change")
    form = WithdrawForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.nomination_withdraw(
            actor=request.user, nomination=nomination, reason=d["reason"], now=timezone.now()
        ),
    )
    if done:
        messages.success(request, f"已撤回“{nomination.name}”的推荐")
        return redirect("awards:entry-list", nomination.campaign_id)
    return render(request, "awards/withdraw.html", {"n": nomination, "form": form}, status=done.status)


# ---- Judges ------------------------------------------------------------------------------------


@login_required
@shows_domain_errors
def ballot_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    ballot = sel.ballot(user=request.user, campaign=campaign, page=parse_page(request.GET.get("page")))
    return render(request, "awards/ballot.html", {"c": campaign, "ballot": ballot, "page": ballot})


@login_required
@require_POST
def vote_view(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    """One tap: the entry's row comes back (voted, or with the reason it was refused) and the counter."""
    try:
        nomination = sel.nomination_for_judge(user=request.user, pk=nomination_id)
    except NotFound as exc:
        return render(request, "awards/_partials/error.html", {"message": exc.message}, status=exc.status)
    message, status = "", 200
    try:
        services.vote_cast(actor=request.user, nomination=nomination, now=timezone.now())
    except DomainError as exc:
        message, status = exc.message, exc.status
    row, counters = sel.ballot_row(user=request.user, nomination=nomination)
    if not getattr(request, "htmx", False):
        if message:
            messages.error(request, message)
        else:
            messages.success(request, f"已投票：{nomination.name}")
        return redirect("awards:ballot", nomination.campaign_id)
    return render(
        request,
        "awards/_partials/ballot_row.html",
        {"r": row, "ballot": counters, "message": message, "oob": True},
        status=status,
    )


# ---- Cut, scores, tiers ------------------------------------------------------------------------


@login_required
@shows_domain_errors
def cut_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    admin = can(request.user, "change", campaign)
    if request.method == "POST":
        services.campaign_cut(actor=request.user, campaign=campaign, now=timezone.now())
        messages.success(request, "投票已截止，初评入围名单已生成")
        return redirect("awards:cut", campaign.pk)
    decision, rows = sel.cut_rows(campaign=campaign)
    if decision is None and not admin:
        raise NotFound("初评结果尚未产生")
    shown: QuerySet[Any] = rows if decision is not None else sel.live_tally(campaign=campaign)
    page = paginate(shown, page=parse_page(request.GET.get("page")), size=50)
    return render(
        request,
        "awards/cut.html",
        {
            "c": campaign,
            "decision": decision,
            "page": page,
            "admin": admin,
            "rule": TieRule(campaign.tie_rule).label,
            "offset": (page.number - 1) * page.size,
            "progress": sel.score_progress(campaign=campaign) if decision is not None else {},
        },
    )


@login_required
@shows_domain_errors
def scoring_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk)
    if request.method == "POST":
        nomination = sel.nomination_for_judge(user=request.user, pk=request.POST.get("nomination"))
        form = ScoreForm(request.POST)
        if not form.is_valid():
            messages.error(request, "评分应为0至100的整数")
        else:
            try:
                services.score_record(
                    actor=request.user, nomination=nomination, score=form.cleaned_data["score"], now=timezone.now()
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已为“{nomination.name}”评分 {form.cleaned_data['score']} 分")
        return redirect("awards:scoring", campaign.pk)
    judge, rows = sel.score_sheet(user=request.user, campaign=campaign)
    return render(request, "awards/scoring.html", {"c": campaign, "judge": judge, "rows": rows})


@login_required
@require_POST
@shows_domain_errors
def publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change")
    services.campaign_publish(actor=request.user, campaign=campaign, now=timezone.now())
    messages.success(request, f"等次已评定，结果公示{campaign.publicity_days}天")
    return redirect("awards:results", campaign.pk)


# ---- Public results, objections, PDF -----------------------------------------------------------


def public_list_view(request: HttpRequest) -> HttpResponse:
    page = paginate(sel.public_campaigns(), page=parse_page(request.GET.get("page")))
    return render(request, "awards/public_list.html", {"page": page})


@shows_domain_errors
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.public_campaign(pk=pk)
    return render(
        request,
        "awards/results.html",
        {
            "c": campaign,
            "res": sel.results(campaign=campaign),
            "now": timezone.now(),
            "tier_rule": TIER_RULE,
            "admin": can(request.user, "change", campaign),
        },
    )


@shows_domain_errors
def objection_view(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = sel.nomination_public(pk=nomination_id)
    form = ObjectionForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.objection_file(
            actor=request.user if request.user.is_authenticated else None,
            nomination=nomination,
            reason=d["reason"],
            contact_name=d.get("contact_name", ""),
            phone=d.get("phone", ""),
            now=timezone.now(),
        ),
    )
    if done:
        messages.success(request, "异议已提交，主办单位将在公示期内核实处理")
        return redirect("awards:results", nomination.campaign_id)
    return render(
        request,
        "awards/objection_form.html",
        {"n": nomination, "name": sel.public_name(nomination, sel.consented_volunteers([nomination])), "form": form},
        status=done.status,
    )


@login_required
@shows_domain_errors
def objection_list_view(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(user=request.user, pk=pk, action="change")
    status = request.GET.get("status", "")
    page = paginate(sel.objection_list(campaign=campaign, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request, "awards/objection_list.html", {"c": campaign, "page": page, "status": status, "form": ResolveForm()}
    )


@login_required
@require_POST
@shows_domain_errors
def objection_resolve_view(request: AuthedRequest, objection_id: int) -> HttpResponse:
    objection = sel.objection_get(user=request.user, pk=objection_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理结果并填写处理意见")
    else:
        services.objection_resolve(
            actor=request.user,
            objection=objection,
            uphold=form.cleaned_data["decision"] == "upheld",
            resolution=form.cleaned_data["resolution"],
            now=timezone.now(),
        )
        messages.success(request, "异议已处理")
    return redirect("awards:objection-list", objection.campaign_id)


@shows_domain_errors
def results_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.public_campaign(pk=pk)
    response = HttpResponse(results_pdf(campaign=campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="award-results-{campaign.pk}.pdf"'
    return response
