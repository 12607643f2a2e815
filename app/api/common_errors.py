"""The error responses whole kinds of operation share, documented once for all of them.

Every operation that needs an API token (it has `security`) answers 401 without a valid
one (app.auth.current raises it before the view runs its logic), and every operation
that reads a JSON body answers 400 when the body is not JSON (webargs refuses it before
validation). Listing these on each view by hand is how some were forgotten.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin


class CommonErrorsPlugin(BasePlugin):
    """apispec plugin: adds the shared 401 and 400 responses to the operations they apply to."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **_kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                _add(responses, 401, "UNAUTHORIZED")
            if "requestBody" in operation:
                _add(responses, 400, "BAD_REQUEST")


def _add(responses: dict, status: int, name: str) -> None:
    if status not in responses and str(status) not in responses:
        responses[status] = name
