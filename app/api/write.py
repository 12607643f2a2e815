"""Writing HSDS objects: POST, PUT, PATCH and DELETE for organizations, services,
locations, service_at_locations, schedules, phones, contacts, cost_options, languages,
accessibility, service_areas and attributes (taxonomy links).

Every request needs `Authorization: Bearer <token>` with the write scope (401 without,
403 with a read token). An editor may change only what their organisations own (403
otherwise); moderators and admins anything. A change that must wait for a moderator is
answered 202 with the change request; otherwise 201/200 with the object (204 for a
delete). DELETE of a service marks it "defunct" (it keeps its history and drops out of
lists); other objects are deleted, their history kept in metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask.views import MethodView
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.blueprint import Blueprint
from app.api.preconditions import IF_MATCH_PARAMETER, check_if_match, tag_write_answer
from app.api.responses import require_uuid
from app.auth.current import api_account, own_organizations
from app.db import get_session
from app.errors import Unprocessable
from app.models import new_id
from app.resources import RESOURCES, column_default
from app.services.editing import Change, submit_change
from app.services.moderation import needs_moderation
from schemas.accounts import ChangeRequestSchema
from schemas.write import WRITE_SCHEMAS, patch_schema

blp = Blueprint(
    "editing",
    __name__,
    description="Changing listings: needs an API token with the write scope. Editors may "
    "change only their own organisations' objects; some changes wait for a moderator (202).",
)
SECURITY = [{"bearerAuth": []}]
# The read API's names for these ids, so each path is documented once.
PATH_IDS = {"service_at_location": "sal_id"}
QUEUED = "QUEUED_FOR_MODERATION"


@blp.before_request
def authenticate() -> None:
    """Refuse oversized bodies first, then anyone without a write token."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    g.writer = api_account("write")


blp.after_request(tag_write_answer)


def moderation_mode() -> str:
    return str(current_app.config.get("SIGNPOST_MODERATION") or "untrusted")


def write(resource: str, action: str, resource_id: str, values: dict[str, Any]):
    """Submit one change; the object (or None after a delete), or a 202 response."""
    db, account = get_session(), g.writer
    change = Change(resource, action, resource_id, values)
    moderate = needs_moderation(account, change, moderation_mode())
    outcome = submit_change(db, account, own_organizations(account), change, moderate=moderate)
    db.commit()
    if outcome.queued:
        response = jsonify(ChangeRequestSchema().dump(outcome.change_request))
        response.status_code = 202
        return response
    return outcome.row


def replacement(resource: str, data: dict[str, Any]) -> dict[str, Any]:
    """PUT: every writable field, those not given back to their defaults."""
    schema = WRITE_SCHEMAS[resource]()
    names = [n for n, f in schema.fields.items() if not f.dump_only and n != "id"]
    return {name: data.get(name, column_default(resource, name)) for name in names}


def body_id(data: dict[str, Any], path_id: str) -> None:
    given = data.pop("id", None)
    if given is not None and given != path_id:
        raise Unprocessable(
            "Invalid json field 'id': it differs from the id in the path.",
            {"json": {"id": ["Must match the id in the path."]}},
        )


def documented(function: Callable, summary: str, *decorators: Callable) -> Callable:
    for decorator in reversed(decorators):
        function = decorator(function)
    function.__doc__ = summary
    return function


def error_responses(*codes: int) -> list[Callable]:
    """References to the shared error responses (cheap: no schema copied per operation)."""
    return [blp.alt_response(code, response=HTTPStatus(code).name) for code in codes]


def register(resource: str) -> None:
    """The collection route (POST) and the item route (PUT, PATCH, DELETE) of a resource."""
    info = RESOURCES[resource]
    schema, patch = WRITE_SCHEMAS[resource](), patch_schema(resource)()
    id_name = PATH_IDS.get(resource, f"{resource}_id")
    queued = blp.alt_response(202, response=QUEUED)
    security = blp.doc(security=SECURITY)
    if_match = blp.doc(parameters=[IF_MATCH_PARAMETER])

    def post(self, data):
        new = data.pop("id", None) or new_id()
        return write(resource, "create", new, data)

    def put(self, data, **path):
        object_id = require_uuid(path[id_name])
        body_id(data, object_id)
        check_if_match(resource, object_id)
        return write(resource, "update", object_id, replacement(resource, data))

    def patch_(self, data, **path):
        object_id = require_uuid(path[id_name])
        body_id(data, object_id)
        check_if_match(resource, object_id)
        return write(resource, "update", object_id, data)

    def delete(self, **path):
        object_id = require_uuid(path[id_name])
        check_if_match(resource, object_id)
        result = write(resource, "delete", object_id, {})
        return result if isinstance(result, Response) else None  # 202 queued, else 204

    article = "an" if resource[0] in "aeiou" else "a"
    gone = "mark it defunct (kept, with its history)" if resource == "service" else "delete it"
    collection = type(
        f"{info.model.__name__}Create",
        (MethodView,),
        {
            "post": documented(
                post,
                f"Create {article} {resource}",
                blp.arguments(schema),
                blp.response(201, schema),
                queued,
                *error_responses(401, 403, 409, 422),
                security,
            )
        },
    )
    item = type(
        f"{info.model.__name__}Change",
        (MethodView,),
        {
            "put": documented(
                put,
                f"Replace {article} {resource} (fields not given are cleared)",
                blp.arguments(schema),
                blp.response(200, schema),
                queued,
                *error_responses(401, 403, 404, 412, 422),
                security,
                if_match,
            ),
            "patch": documented(
                patch_,
                f"Change some fields of {article} {resource}",
                blp.arguments(patch),
                blp.response(200, schema),
                queued,
                *error_responses(401, 403, 404, 412, 422),
                security,
                if_match,
            ),
            "delete": documented(
                delete,
                f"Delete {article} {resource}: {gone}",
                blp.response(204),
                queued,
                *error_responses(401, 403, 404, 409, 412, 422),
                security,
                if_match,
            ),
        },
    )
    blp.route(f"/{info.collection}")(collection)
    blp.route(f"/{info.collection}/<id:{id_name}>")(item)


for _resource in RESOURCES:
    register(_resource)


def register_write_api(api) -> None:
    """The write, workflow and account endpoints, and the bearer-token security scheme."""
    from app.api import review, webhooks, write_accounts, write_workflow

    api.spec.components.response(
        QUEUED,
        {"description": "Accepted: the change waits for a moderator (the change request)",
         "content": {"application/json": {"schema": ChangeRequestSchema}}},
    )  # fmt: skip
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (signpost tokens "
            "create, or POST /tokens); shown once, revocable, scoped read or write.",
        },
    )
    for blueprint in (blp, write_workflow.blp, write_accounts.blp, review.blp, webhooks.blp):
        api.register_blueprint(blueprint)
