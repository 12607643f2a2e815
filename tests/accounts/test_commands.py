"""`signpost users` and `signpost tokens`, as an operator uses them."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.auth.passwords import verify_password
from app.models.accounts import Account, ApiToken
from tests.accounts.conftest import CAMDEN, ISLINGTON, PASSWORD


def account(session, email) -> Account:
    session.expire_all()
    return session.scalars(select(Account).where(Account.email == email)).one()


def test_create_the_first_admin_with_a_prompted_password(runner, session):
    result = runner.invoke(
        args=["users", "create-admin", "Ada@Signpost.example"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ada@signpost.example" in result.output
    admin = account(session, "ada@signpost.example")
    assert admin.role == "admin" and verify_password(PASSWORD, admin.password_hash)
    assert PASSWORD not in admin.password_hash


def test_create_admin_reads_the_password_from_stdin(runner, session):
    result = runner.invoke(
        args=["users", "create-admin", "ada@signpost.example", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0
    assert verify_password(PASSWORD, account(session, "ada@signpost.example").password_hash)


def test_a_short_password_is_refused_with_a_sentence(runner, session):
    result = runner.invoke(
        args=["users", "create-admin", "ada@signpost.example", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "too short" in result.output and "Traceback" not in result.output


def test_create_an_editor_of_organisations(runner, session, sample):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "jo@camdenhealthwalks.example.org",
            "--role",
            "editor",
            "--organization",
            CAMDEN,
            "--organization",
            ISLINGTON,
            "--password-stdin",
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "jo@camdenhealthwalks.example.org  editor" in listed
    assert CAMDEN in listed and ISLINGTON in listed


def test_mistakes_are_sentences(runner, session, sample):
    runner.invoke(args=["users", "create", "jo@example.org", "--no-password"])
    cases = [
        (["users", "create", "jo@example.org", "--no-password"], "already an account"),
        (["users", "create", "not-an-email", "--no-password"], "not an email address"),
        (
            [
                "users",
                "create",
                "x@example.org",
                "--no-password",
                "--organization",
                "00000000-0000-4000-8000-000000000000",
            ],
            "No organization",
        ),
        (["tokens", "create", "nobody@example.org"], "No account for nobody@example.org"),
        (["tokens", "revoke", "00000000-0000-4000-8000-000000000000"], "No API token"),
    ]
    for args, says in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and says in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_trusting_an_editor(runner, session, sample):
    runner.invoke(args=["users", "create", "nell@example.org", "--no-password"])
    assert runner.invoke(args=["users", "trust", "nell@example.org"]).exit_code == 0
    assert account(session, "nell@example.org").trusted is True


def test_a_token_is_printed_once_and_stored_hashed(runner, session, client, sample):
    runner.invoke(args=["users", "create", "bot@example.org", "--no-password"])
    result = runner.invoke(
        args=["tokens", "create", "bot@example.org", "--scope", "write", "--name", "council sync"]
    )
    assert result.exit_code == 0
    token = result.output.splitlines()[-1]
    assert token.startswith("sp_") and "shown only once" in result.output
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.scope, stored.name) == ("write", "council sync")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/me", headers=headers).status_code == 200

    revoked = runner.invoke(args=["tokens", "revoke", stored.id])
    assert revoked.exit_code == 0
    assert client.get("/me", headers=headers).status_code == 401


def test_setting_a_password(runner, session, sample):
    runner.invoke(args=["users", "create", "nell@example.org", "--no-password"])
    result = runner.invoke(
        args=["users", "set-password", "nell@example.org", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0
    assert verify_password(PASSWORD, account(session, "nell@example.org").password_hash)
