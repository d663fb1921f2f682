"""The data exchange's domain errors (Chinese messages)."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError, Conflict


class ExchangeBatchState(Conflict):
    code = "exchange_batch_state"
    default_message = "该批次当前状态不能进行此操作"


class ExchangeNotReady(Conflict):
    code = "exchange_not_ready"
    default_message = "数据包尚未生成，请稍后再下载"


class TransferredRecordAppendOnly(AppendOnlyError):
    code = "transferred_append_only"
    default_message = "转入记录不能修改或删除"
