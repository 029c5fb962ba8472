"""The one domain error: a stable code and a translatable message, mapped to 4xx in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Bad input or a forbidden action; the service's transaction rolls back and nothing changes."""

    status = 400

    def __init__(self, code: str, message: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403
