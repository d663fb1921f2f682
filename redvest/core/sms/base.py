"""What every SMS gateway shares: the message handed to it, the error it raises, the interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SmsMessage:
    """One text as the registry (`kinds.py`) rendered it: the kind, its parameters in the template's order,
    the full Chinese text (what the console and plain-text gateways send) and the provider template code."""

    kind: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    template_code: str = ""


class SmsError(Exception):
    """The provider refused or could not be reached: its error code and message, for the log and audit
    (never shown to a user: they see `SmsUnavailable`'s Chinese message)."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        self.provider_message = message
        super().__init__(f"{code}: {message}" if message else code)


class SmsGateway(ABC):
    """Delivers one text to one mainland number (11 digits) or raises SmsError; returns the provider's
    message id (BizId, SerialNo) or ""."""

    name = ""
    templated = False  # True: the provider sends its pre-approved template, so every kind needs a code

    @abstractmethod
    def send(self, *, phone: str, message: SmsMessage) -> str: ...
