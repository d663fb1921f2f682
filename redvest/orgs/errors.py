"""What can go wrong with the org tree, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError


class InvalidMove(DomainError):
    code = "invalid_move"
    default_message = "不能把节点移动到它自身或它的下级节点之下"


class NodeNotEmpty(Conflict):
    code = "node_not_empty"
