"""What can go wrong in the points bank, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError, Conflict, DomainError, NotFound


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = "积分余额不足"


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = "该物品已兑完，库存不足"


class ItemNotAvailable(Conflict):
    code = "item_not_available"
    default_message = "该物品当前不可兑换"


class ItemExpired(Conflict):
    code = "item_expired"
    default_message = "该物品已过兑换截止时间"


class MerchantNotApproved(Conflict):
    code = "merchant_not_approved"
    default_message = "该商家尚未通过加盟审核或已暂停，不能兑换"


class MerchantNotPending(Conflict):
    code = "merchant_not_pending"
    default_message = "该商家申请已处理，不能重复审核"


class TierTooLow(Conflict):
    code = "tier_too_low"
    default_message = "您的志愿者星级未达到该礼遇的要求"


class LimitReached(Conflict):
    code = "limit_reached"
    default_message = "已达到每人限兑数量"


class CapExceeded(Conflict):
    code = "cap_exceeded"
    default_message = "超出积分上限"


class NoRuleInForce(Conflict):
    code = "no_rule_in_force"
    default_message = "志愿者所在组织未开放该类型积分"


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"
    default_message = "该兑换已核销，请勿重复确认"


class RedemptionClosed(Conflict):
    code = "redemption_closed"
    default_message = "该预约已取消或已过期，不能再操作"


class RedemptionExpired(Conflict):
    code = "redemption_expired"
    default_message = "该预约已超过保留时间，积分将自动退还"


class ClaimNotPending(Conflict):
    code = "claim_not_pending"
    default_message = "该申报已处理，不能重复审核"


class NotReversible(Conflict):
    code = "not_reversible"
    default_message = "只有积分入账可以冲正；兑换请通过取消退还"


class AlreadyReversed(Conflict):
    code = "already_reversed"
    default_message = "该笔积分已冲正，不能重复冲正"


class DonationNotAllowed(Conflict):
    code = "donation_not_allowed"
    default_message = "您所在组织未开放积分捐赠"


class VolunteerNotActive(Conflict):
    code = "volunteer_not_active"
    default_message = "志愿者注册审核通过后才能使用积分"


class InvalidAmount(DomainError):
    code = "invalid_amount"
    default_message = "积分数量无效"


class NoteRequired(DomainError):
    code = "note_required"
    default_message = "请填写原因"


class InvalidCounterCode(NotFound):
    code = "invalid_counter_code"
    default_message = "没有找到待核销的兑换：核销码错误，或二维码已过期，请让志愿者刷新后重新出示"


class NotAVolunteer(DomainError):
    code = "not_a_volunteer"
    status = 403
    default_message = "您还没有志愿者身份，请先注册成为志愿者"


class LedgerAppendOnly(AppendOnlyError):
    code = "points_ledger_append_only"
    default_message = "积分流水只能追加，不能修改或删除；如有错误请冲正"
