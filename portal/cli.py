"""``flask portal ...`` commands (public contract: Command line)."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db
from portal.permissions import Role

portal_cli = AppGroup("portal", help="Decision Portal commands.")


def progress_bar(label: str):
    state = {"bar": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)
        if done >= total:
            state["bar"].__exit__(None, None, None)

    return update


@portal_cli.command("seed-demo")
@click.option(
    "--quiet",
    is_flag=True,
    help="One line of output; the accounts are printed by `flask portal demo-accounts`.",
)
def seed_demo(quiet: bool) -> None:
    """Load the demo data set (does nothing if already loaded)."""
    from portal import demo, demo_accounts, demo_opinions
    from search import events as search_events

    result = demo.seed(now=clock.now(), password=current_app.config.get("DEMO_PASSWORD"))
    if result is None:
        click.echo("Demo data already loaded; nothing to do.")
        return
    with search_events.paused():  # indexed whole below
        demo_opinions.seed_demo_opinions(clock.now())
        from portal.demo_supervision import seed_demo_supervision  # issue 7 (with evaluation)

        seed_demo_supervision(clock.now())
        from portal.demo_hearings import seed_demo_hearings  # issue 5

        seed_demo_hearings(clock.now())
        from portal import demo_catalog, demo_experts

        demo_experts.seed_demo_experts(clock.now())
        demo_catalog.seed_demo_catalog(clock.now())
        from portal.demo_proposals import seed_demo_proposals

        seed_demo_proposals(clock.now())
    from search.indexer import reindex as rebuild

    counts = rebuild()
    names = {username: name for username, name, *_ in demo.STAFF}
    accounts = [
        {"username": u, "name": names.get(u, ""), "roles": roles, "password": pw}
        for u, pw, roles in result.credentials
    ]
    demo_accounts.save(current_app.instance_path, accounts, now=clock.now())
    click.echo(
        f"Demo data loaded: {result.decisions} decisions, {result.users} staff accounts, "
        f"{sum(counts.values())} documents indexed for search."
    )
    if quiet:
        return
    click.echo("Demo staff accounts (for demonstration only; change them before any real use):")
    for line in demo_accounts.table(accounts):
        click.echo(line)
    click.echo(demo_accounts.print_again_hint())


@portal_cli.command("demo-accounts")
def demo_accounts_command() -> None:
    """Print the demo staff accounts and their passwords as set when the demo was loaded."""
    from portal import demo, demo_accounts
    from portal.models.user import User

    accounts = demo_accounts.load(current_app.instance_path)
    if accounts is None:
        usernames = [username for username, *_ in demo.STAFF]
        present = db.session.scalars(
            sa.select(User.username).where(User.username.in_(usernames))
        ).all()
        if not present:
            click.echo("No demo data is loaded. Run `make run` or `flask portal seed-demo`.")
        else:
            click.echo(
                "The demo accounts exist but their passwords were not kept (the demo was loaded "
                "before passwords were stored): "
                + ", ".join(sorted(present))
                + ". Set a new password with `flask portal create-user` for a new account, "
                "or delete the instance folder and run `make run` again."
            )
        sys.exit(1)
    url = demo_accounts.url_of_bind(os.environ.get("PORTAL_BIND", "127.0.0.1:5000"))
    click.echo("Demo staff accounts (for demonstration only; change them before any real use):")
    for line in demo_accounts.table(accounts):
        click.echo(line)
    click.echo(f"Sign in at {url}/admin/")


@portal_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database."""
    import time

    from search.indexer import reindex as rebuild
    from search.service import backend

    state: dict = {"bar": None, "done": 0}

    def progress(done: int, total: int) -> None:
        if state["bar"] is None:
            bar = click.progressbar(length=max(total, 1), label="Indexing", file=sys.stderr)
            state["bar"] = bar
            state["bar"].__enter__()
        state["bar"].update(done - state["done"])
        state["done"] = done

    started = time.perf_counter()
    try:
        counts = rebuild(progress)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    where = backend().name
    if where == "whoosh":
        where = current_app.config["SEARCH_DIR"]
    detail = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    click.echo(
        f"Indexed {sum(counts.values())} documents ({detail}) into {where} "
        f"in {time.perf_counter() - started:.1f}s."
    )


@portal_cli.command("drain-outbox")
@click.option("--limit", default=1000, show_default=True)
def drain_outbox(limit: int) -> None:
    """Process pending outbox rows (index updates, e-mails)."""
    from portal.services import outbox
    from portal.workers import register_handlers

    register_handlers(current_app)
    done, failed = outbox.drain(now=clock.now(), limit=limit)
    click.echo(f"Processed {done} messages, {failed} failed, {outbox.pending_count()} pending.")


@portal_cli.command("verify-audit")
def verify_audit() -> None:
    """Verify the hash chain of the audit log; exit 1 on any break."""
    from portal.models.audit import AuditEntry
    from portal.services.audit import verify_chain

    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
    problems = verify_chain()
    if problems:
        for p in problems[:50]:
            click.echo(f"entry {p.seq}: {p.problem}", err=True)
        click.echo(f"Audit log BROKEN: {len(problems)} problem(s) in {count} entries.", err=True)
        sys.exit(1)
    click.echo(f"Audit log verified: {count} entries, chain intact.")


@portal_cli.command("create-user")
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.option("--gov", default="chifeng", show_default=True, help="Government slug")
@click.option(
    "--department",
    default="general-office",
    show_default=True,
    help="Department slug within the government",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Role (repeatable)",
)
@click.option("--email", default=None)
@click.password_option()
def create_user(username, display_name, gov, department, roles, email, password) -> None:
    """Create a staff account (asks for the password)."""
    from flask_babel import force_locale, gettext

    from portal.models.org import Department, Government
    from portal.services.users import AccountError
    from portal.services.users import create_user as create

    dept = db.session.scalar(
        sa.select(Department)
        .join(Government)
        .where(Government.slug == gov, Department.slug == department)
    )
    if dept is None:
        raise click.BadParameter(f"no department {department!r} in government {gov!r}")
    try:
        role_values = [Role(r) for r in roles]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    try:
        user = create(
            username=username,
            display_name=display_name,
            password=password,
            department=dept,
            roles=role_values,
            email=email,
            actor="cli",
            now=clock.now(),
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except AccountError as exc:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(gettext(exc.message, **exc.params)) from exc
    db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(sorted(user.roles))}) in {dept.name}.")


from portal import cli_archive, cli_privacy  # noqa: E402,F401
