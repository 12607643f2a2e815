"""`signpost dedupe`, `signpost review list|merge|split` and `signpost clusters --csv`:
thin click wrappers, each one transaction."""

from __future__ import annotations

import csv
import sys

import click
from flask.cli import AppGroup, with_appcontext

from app.cli.accounts import transaction
from app.dedupe.review import cluster_rows, decide, review_page, split_out
from app.dedupe.run import run_dedupe


@click.command("dedupe")
@with_appcontext
@click.option("--full", is_flag=True, help="Match every record from scratch (IDs are kept).")
def dedupe(full: bool) -> None:
    """Merge the source records of one real-world service into one published service.

    Incremental: only records new, changed or withdrawn since the last run are compared.
    Imports run it themselves unless given --no-dedupe."""
    with transaction() as session:
        click.echo(run_dedupe(session, full=full).summary())


@click.group("review", cls=AppGroup)
def review() -> None:
    """Possible matches waiting for a person, and decisions no later run undoes."""


@review.command("list")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--per-page", default=20, show_default=True, type=click.IntRange(1, 500))
def review_list(page: int, per_page: int) -> None:
    """Possible matches, strongest first: RECORD and RECORD for `review merge|split`."""
    with transaction() as session:
        result = review_page(session, page, per_page)
        if not result.items:
            click.echo("No possible matches to review.")
        for item in result.items:
            first, second = item["records"]
            reasons = ", ".join(f"{r['feature']} {r['weight']:+g}" for r in item["reasons"])
            click.echo(f"{item['score']:.2f}  {reasons}")
            for record in (first, second):
                place = "; ".join(record["places"][:1])
                click.echo(
                    f"    {record['source']}/{record['key']}  {record['name']}"
                    f" | {record['organization'] or '-'} | {place or '-'}"
                )
        click.echo(f"Page {page} of {max(1, -(-result.total // per_page))}, {result.total} in all.")


@review.command("merge")
@click.argument("first")
@click.argument("second")
@click.option("--note", help="Why, for the next reviewer.")
@click.option("--by", "decided_by", default="cli", show_default=True, help="Who decided.")
def review_merge(first: str, second: str, note: str | None, decided_by: str) -> None:
    """FIRST and SECOND (SOURCE/KEY or source record id) are one service."""
    with transaction() as session:
        click.echo(decide(session, first, second, "must_link", decided_by, note).summary())


@review.command("split")
@click.argument("first")
@click.argument("second", required=False)
@click.option("--note", help="Why, for the next reviewer.")
@click.option("--by", "decided_by", default="cli", show_default=True, help="Who decided.")
def review_split(first: str, second: str | None, note: str | None, decided_by: str) -> None:
    """FIRST and SECOND are different services; with FIRST alone, take it out of the
    service it was merged into."""
    with transaction() as session:
        if second:
            report = decide(session, first, second, "cannot_link", decided_by, note)
        else:
            report = split_out(session, first, decided_by, note)
        click.echo(report.summary())


@click.command("clusters")
@with_appcontext
@click.option("--csv", "as_csv", is_flag=True, required=True, help="CSV on standard output.")
def clusters(as_csv: bool) -> None:
    """Which published service every source record ended in: source,record_id,service_id."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["source", "record_id", "service_id"])
    with transaction() as session:
        for row in cluster_rows(session):
            writer.writerow(row)


COMMANDS = [dedupe, review, clusters]
