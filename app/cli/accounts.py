"""The accounts feature's commands: `signpost users`, `tokens`, `moderation`, `stale`.

Thin click wrappers over app.auth and app.services; user mistakes are a ClickException
with a sentence. Each command runs in one transaction.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import (
    create_account,
    link_organization,
    organization_ids,
    require_account,
    set_password,
)
from app.auth.tokens import create_token, revoke_token
from app.db import begin_writing, get_db
from app.errors import SignpostError
from app.models.accounts import ROLES, TOKEN_SCOPES, Account, ChangeRequest
from app.services.freshness import list_stale, mark_stale
from app.services.moderation import approve, reject
from app.services.request_names import subject_of, what_of


@contextmanager
def transaction() -> Iterator[Session]:
    """One session and transaction; domain errors become a one-sentence ClickException.
    It writes, so on SQLite it waits for an import rather than fail (app.db.begin_writing)."""
    session = get_db().sessionmaker()
    try:
        with session.begin():
            begin_writing(session)
            yield session
    except SignpostError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        session.close()


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group(cls=AppGroup)
def users() -> None:
    """Accounts: admins, moderators and organisation editors."""


@users.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(email: str, password_stdin: bool) -> None:
    """Create an admin account (prompts for the password)."""
    password = read_password(password_stdin)
    with transaction() as session:
        account = create_account(session, email, "admin", password)
        click.echo(f"Created admin {account.email} ({account.id}).")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
@click.option("--organization", "organizations", multiple=True, help="Organisation id (repeat).")
@click.option("--trusted", is_flag=True, help="Editor's changes go live without moderation.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="API tokens only; no sign-in to the pages.")
def create_user(email, role, organizations, trusted, password_stdin, no_password) -> None:
    """Create an account, e.g. an editor of one or more organisations."""
    password = None if no_password else read_password(password_stdin)
    with transaction() as session:
        account = create_account(session, email, role, password, trusted=trusted)
        for organization_id in organizations:
            link_organization(session, account, organization_id)
        click.echo(f"Created {role} {account.email} ({account.id}).")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_user_password(email: str, password_stdin: bool) -> None:
    """Set someone's password (signing them out everywhere, revoking their API tokens)."""
    password = read_password(password_stdin)
    with transaction() as session:
        set_password(session, require_account(session, email), password)
        click.echo(f"Set a new password for {email}.")


@users.command("link")
@click.argument("email")
@click.argument("organization_id")
def link_user(email: str, organization_id: str) -> None:
    """Let an editor keep an organisation's listings."""
    with transaction() as session:
        link_organization(session, require_account(session, email), organization_id)
        click.echo(f"{email} may now edit organization {organization_id}.")


@users.command("trust")
@click.argument("email")
@click.option("--untrust", is_flag=True, help="Send their changes to moderation again.")
def trust_user(email: str, untrust: bool) -> None:
    """Mark an editor trusted: their changes go live without waiting for a moderator."""
    with transaction() as session:
        require_account(session, email).trusted = not untrust
        click.echo(f"{email} is {'not ' if untrust else ''}trusted.")


@users.command("list")
def list_users() -> None:
    """Every account, its role and organisations."""
    with transaction() as session:
        for account in session.scalars(select(Account).order_by(Account.email)):
            trusted = " trusted" if account.trusted and account.role == "editor" else ""
            orgs = ", ".join(sorted(organization_ids(session, account))) or "-"
            click.echo(f"{account.id}  {account.email}  {account.role}{trusted}  {orgs}")


@click.group(cls=AppGroup)
def tokens() -> None:
    """API tokens for machine clients."""


@tokens.command("create")
@click.argument("email")
@click.option("--scope", type=click.Choice(TOKEN_SCOPES), default="read", show_default=True)
@click.option("--name", help="What the token is for, e.g. 'council sync'.")
def create_token_command(email: str, scope: str, name: str | None) -> None:
    """Create a token and print it (this is the only time it is shown)."""
    with transaction() as session:
        row, plain = create_token(session, require_account(session, email), scope, name)
        click.echo(f"Token {row.id} ({scope}) for {email}; it is shown only once:")
        click.echo(plain)


@tokens.command("revoke")
@click.argument("token_id")
def revoke_token_command(token_id: str) -> None:
    """Revoke a token at once."""
    with transaction() as session:
        revoke_token(session, token_id)
        click.echo(f"Revoked token {token_id}.")


@click.group(cls=AppGroup)
def moderation() -> None:
    """The moderation queue: edits, claims, problem reports and import conflicts."""


@moderation.command("list")
@click.option("--kind", type=click.Choice(["edit", "claim", "report", "import_conflict"]))
@click.option("--all", "everything", is_flag=True, help="Decided requests too.")
def list_requests(kind: str | None, everything: bool) -> None:
    """Pending change requests, oldest first, each with its diff."""
    query = select(ChangeRequest).order_by(ChangeRequest.created_at, ChangeRequest.id)
    if not everything:
        query = query.where(ChangeRequest.status == "pending")
    if kind:
        query = query.where(ChangeRequest.kind == kind)
    with transaction() as session:
        requests = list(session.scalars(query))
        for request in requests:
            click.echo(describe(session, request))
        click.echo(f"{len(requests)} change request{'s' * (len(requests) != 1)}.")


def describe(session: Session, request: ChangeRequest) -> str:
    """A request as the operator reads it: its ID (to approve or reject), what it is and
    the listing's name, then the diff."""
    when = request.created_at.strftime("%Y-%m-%d %H:%M")
    subject = subject_of(session, request)
    organization = f" ({subject.organization})" if subject.organization else ""
    lines = [
        f"{request.id}  {request.kind}  {request.status}  {when}  by {request.submitted_by_label}",
        f"    {what_of(request.kind, request.action, request.resource_type)}: "
        f"“{subject.listing}”{organization}  [{request.resource_type} {request.resource_id}]",
    ]
    lines += [f"    {d['field']}: {d['previous']!r} -> {d['proposed']!r}" for d in request.diff]
    if request.message:
        lines.append(f"    message: {request.message}")
    if request.contact_email:
        lines.append(f"    contact: {request.contact_email}")
    return "\n".join(lines)


def _moderator(session: Session, email: str | None) -> Account | None:
    return require_account(session, email) if email else None


@moderation.command("approve")
@click.argument("request_id")
@click.option("--reason")
@click.option("--by", "email", help="The moderator's email (recorded as the decider).")
def approve_request(request_id: str, reason: str | None, email: str | None) -> None:
    """Approve a request: apply the edit or import value, or grant the claim."""
    with transaction() as session:
        request = approve(session, _moderator(session, email), request_id, reason)
        click.echo(f"Approved {request.kind} {request.id}.")


@moderation.command("reject")
@click.argument("request_id")
@click.option("--reason", required=True, help="Why (the submitter sees it).")
@click.option("--by", "email", help="The moderator's email (recorded as the decider).")
def reject_request(request_id: str, reason: str, email: str | None) -> None:
    """Reject a request with a reason."""
    with transaction() as session:
        request = reject(session, _moderator(session, email), request_id, reason)
        click.echo(f"Rejected {request.kind} {request.id}.")


@click.command()
@with_appcontext
@click.option("--months", type=click.IntRange(min=1), default=12, show_default=True)
@click.option("--mark", is_flag=True, help="Flag them for follow-up.")
def stale(months: int, mark: bool) -> None:
    """Listings nobody has confirmed or changed for MONTHS, per borough."""
    with transaction() as session:
        grouped = list_stale(session, months)
        for borough, listings in grouped.items():
            click.echo(f"{borough} ({len(listings)})")
            for listing in listings:
                flag = "  [flagged]" if listing.flagged else ""
                seen = listing.last_seen.strftime("%Y-%m-%d")
                click.echo(f"  {listing.service_id}  {listing.name}  last {seen}{flag}")
        total = len({item.service_id for items in grouped.values() for item in items})
        click.echo(
            f"{total} listing{'s' * (total != 1)} not confirmed or changed in {months} months."
        )
        if mark:
            click.echo(f"Flagged {mark_stale(session, grouped)} for follow-up.")


COMMANDS = [users, tokens, moderation, stale]
