"""Accounts and API tokens for machine clients.

`POST /tokens` exchanges an email and password for a token (shown once; stored as its
sha256), rate-limited like signing in (app/ratelimit.py): 5 failures per 15 minutes for one
account from one address, 30 from one address, then 429 with Retry-After.
"""

from __future__ import annotations

import datetime as dt

from flask import g, jsonify
from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors, require_uuid
from app.api.staff import staff_write
from app.auth.accounts import authenticate, get_account, organization_ids
from app.auth.current import api_account
from app.auth.tokens import create_token, list_tokens, revoke_token
from app.db import get_session
from app.services.permissions import require_admin
from schemas.accounts import (
    AccountPatchArgs,
    AccountSchema,
    NewTokenSchema,
    TokenRequestArgs,
    TokenSchema,
)

blp = Blueprint("accounts", __name__, description="Accounts and API tokens.")
SECURITY = [{"bearerAuth": []}]


def account_body(account) -> dict:
    body = AccountSchema().dump(account)
    body["organization_ids"] = sorted(organization_ids(get_session(), account))
    return body


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, AccountSchema)
    @errors(blp, {401: "No valid API token"})
    @blp.doc(security=SECURITY)
    def get(self):
        """The account behind the token: its role and the organisations it may edit"""
        return jsonify(account_body(api_account("read")))


@blp.route("/accounts/<id:account_id>")
class AccountById(MethodView):
    @blp.arguments(AccountPatchArgs)
    @blp.response(200, AccountSchema)
    @errors(blp, {403: "Not allowed for your role", 404: "No account with that id"})
    @blp.doc(security=SECURITY)
    def patch(self, args, account_id):
        """Mark an editor trusted (moderators), or change a role or deactivate (admins)"""
        with staff_write() as (actor, db):
            if "role" in args or "active" in args:
                require_admin(actor)
            account = get_account(db, require_uuid(account_id))
            for name, value in args.items():
                setattr(account, name, value)
        return jsonify(account_body(account))


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenRequestArgs)
    @blp.response(201, NewTokenSchema)
    @errors(blp, {401: "Wrong email or password", 429: "Too many failed attempts"})
    def post(self, args):
        """Create an API token with your email and password (the token is shown once)"""
        db = get_session()
        now = dt.datetime.now(dt.UTC)
        account = authenticate(db, args["email"], args["password"], now)
        row, plain = create_token(db, account, args["scope"], args.get("name"))
        db.commit()
        body = NewTokenSchema().dump(row) | {"token": plain}
        response = jsonify(body)
        response.status_code = 201
        return response

    @blp.response(200, TokenSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self):
        """Your API tokens (never the tokens themselves)"""
        return list_tokens(get_session(), api_account("read"))


@blp.route("/tokens/<id:token_id>")
class TokenById(MethodView):
    @blp.response(204)
    @errors(
        blp,
        {
            403: "A read token revoking a write token",
            404: "No such token of yours",
            422: "The id is not a UUID",
        },
    )
    @blp.doc(security=SECURITY)
    def delete(self, token_id):
        """Revoke one of your API tokens (a write token needs a write token to revoke it)"""
        db = get_session()
        account = api_account("read")
        revoke_token(db, require_uuid(token_id), account, g.token_scope)
        db.commit()
