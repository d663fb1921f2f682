"""The notice texts a person consents to (个人信息保护法 §14, §29, §31), by kind and version.

A changed text gets a new version here; consents given keep the version they were given to, so the
text then shown is always known. The registration page shows the current texts in full."""

from __future__ import annotations

from dataclasses import dataclass

from redvest.volunteers.models import ConsentKind


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str
    title: str
    body: str


CURRENT_TEXTS: dict[str, ConsentText] = {
    ConsentKind.PROCESSING: ConsentText(
        kind=ConsentKind.PROCESSING,
        version="2026-12-v1",
        title="个人信息处理告知同意书",
        body=(
            "为办理志愿者注册、组织志愿服务、记录服务时长与积分、出具志愿服务证明，本平台将处理您填写的"
            "姓名、性别、出生日期、手机号、政治面貌、所在组织、工作单位、居住地区、服务技能与可服务时间等信息，"
            "以及您参加活动产生的服务记录和积分记录。上述信息仅由您所在组织及其上级组织的管理员在职责范围内使用，"
            "不向无关第三方提供；公开页面展示姓名须另行同意。您可以随时查阅、下载本人信息，也可以申请注销："
            "注销后您的姓名将被遮盖，证件号码、手机号、居住地区等个人信息将被删除，服务记录、积分流水和审计记录"
            "按《志愿服务条例》和档案管理要求保留，不再与可识别您的信息关联。"
        ),
    ),
    ConsentKind.SENSITIVE: ConsentText(
        kind=ConsentKind.SENSITIVE,
        version="2026-12-v1",
        title="敏感个人信息单独同意书",
        body=(
            "您的居民身份证件号码属于敏感个人信息。本平台收集它仅用于核实实名身份、防止重复注册和按规定出具"
            "志愿服务证明；号码加密保存，页面和导出中只显示遮盖后的号码，查看完整号码的每一次操作都记录在审计日志中。"
            "不满十四周岁未成年人的个人信息同样属于敏感个人信息，须由监护人同意。"
        ),
    ),
    ConsentKind.GUARDIAN: ConsentText(
        kind=ConsentKind.GUARDIAN,
        version="2026-12-v1",
        title="监护人同意书",
        body=(
            "注册人未满十八周岁。本人作为其监护人，已阅读上述告知内容，同意其注册为志愿者、参加与其年龄和能力"
            "相适应的志愿服务，并同意本平台按上述告知处理其个人信息（含敏感个人信息）。"
        ),
    ),
}
