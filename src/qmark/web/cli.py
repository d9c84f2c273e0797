"""`qmark serve`, `qmark migrate`, `qmark users`, `qmark worker`: added to qmark's own parser.

Desktop is the default: the database lives in the user's data folder. With --server (or
--config FILE, or QMARK_MODE=server in the environment) settings come from the environment
or the config file; see qmark.web.config.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys


class CommandError(Exception):
    """What the user asked for cannot be done; str() is the one line to show them."""


def _usage_error(message: str) -> Exception:
    return CommandError(message)


def _command(func):
    """Print a CommandError as one line (exit 2) rather than a traceback."""

    @functools.wraps(func)
    def run(args) -> int:
        try:
            return func(args)
        except CommandError as exc:
            print(f"qmark: {exc}", file=sys.stderr)
            return 2

    return run


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("where the workspace's data is")
    g.add_argument(
        "--server",
        action="store_true",
        help="use the shared server's settings (environment variables or --config) instead of this computer's workspace",
    )
    g.add_argument("--config", metavar="FILE", help="server settings file (TOML); implies --server")
    return p


def add_commands(sub) -> None:
    common = _common()
    s = sub.add_parser(
        "serve",
        parents=[common],
        help="open the assessors' workspace in your web browser",
        description="Start the assessors' workspace. On this computer (the default) it uses a private database in your "
        "data folder, listens on 127.0.0.1 only and opens your browser signed in. With --server it runs "
        "a shared workspace from server settings.",
    )
    s.add_argument(
        "--port", type=int, default=None, metavar="N", help="port to listen on (desktop default: any free port; server default: 8000)"
    )
    s.add_argument("--host", metavar="ADDRESS", help="server mode only: address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    s.add_argument("--no-browser", action="store_true", help="do not open a browser; print the sign-in link instead")
    s.add_argument("--no-worker", action="store_true", help="server mode: leave assessments to separate `qmark worker` processes")
    s.add_argument("--threads", type=int, default=8, metavar="N", help="request threads (default 8)")
    s.set_defaults(func=cmd_serve)

    m = sub.add_parser("migrate", parents=[common], help="create or update the workspace database's tables")
    m.set_defaults(func=cmd_migrate)

    w = sub.add_parser("worker", parents=[common], help="run queued assessments (for server mode; `qmark serve` runs one itself)")
    w.set_defaults(func=cmd_worker)

    u = sub.add_parser("users", help="manage workspace accounts: add, disable, enable, password, list")
    us = u.add_subparsers(dest="users_command", metavar="ACTION")
    us.required = True
    a = us.add_parser("add", parents=[common], help="add an account")
    a.add_argument("name", metavar="NAME", help="username for signing in")
    a.add_argument("--org", required=True, metavar="ORG", help="the organisation (partnership); created if new")
    a.add_argument("--role", required=True, metavar="ROLE", help="admin, assessor or read-only")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input instead of asking")
    a.set_defaults(func=cmd_users_add)
    d = us.add_parser("disable", parents=[common], help="stop an account signing in (its records stay)")
    d.add_argument("name", metavar="NAME")
    d.set_defaults(func=cmd_users_disable)
    e = us.add_parser("enable", parents=[common], help="let a disabled account sign in again")
    e.add_argument("name", metavar="NAME")
    e.set_defaults(func=cmd_users_enable)
    pw = us.add_parser("password", parents=[common], help="set a new password for an account")
    pw.add_argument("name", metavar="NAME")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input instead of asking")
    pw.set_defaults(func=cmd_users_password)
    ls = us.add_parser("list", parents=[common], help="list accounts")
    ls.set_defaults(func=cmd_users_list)


# ---------------------------------------------------------------- start-up


def setup(args):
    """Choose the mode, check its settings and start Django. Returns the WebConfig."""
    from qmark.web import config

    server = bool(getattr(args, "server", False) or getattr(args, "config", None)) or os.environ.get("QMARK_MODE") == "server"
    os.environ["QMARK_WEB_MODE"] = config.SERVER if server else config.DESKTOP
    if getattr(args, "config", None):
        os.environ["QMARK_CONFIG"] = args.config
    try:
        cfg = config.current()
    except config.ConfigError as exc:
        raise _usage_error(str(exc)) from None
    except OSError as exc:
        raise _usage_error(f"cannot use the data folder: {exc.strerror} ({exc.filename})") from None
    os.environ["DJANGO_SETTINGS_MODULE"] = "qmark.web.settings"
    import django

    django.setup()
    return cfg


def pending_migrations() -> list:
    """Migrations the database still needs; raises UsageError if it cannot be reached."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _usage_error(f"cannot reach the database: {first}") from None


def _where(cfg) -> str:
    return cfg.describe_database()


def _require_migrated(cfg) -> None:
    plan = pending_migrations()
    if plan:
        flag = " --server" if cfg.is_server else ""
        raise _usage_error(
            f"the database needs migrating ({len(plan)} change{'s' if len(plan) != 1 else ''} waiting): "
            f"run `qmark migrate{flag}` with the same settings, then start again"
        )


def _migrate() -> int:
    from django.core.management import call_command

    plan = pending_migrations()
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)


# ---------------------------------------------------------------- commands


@_command
def cmd_migrate(args) -> int:
    cfg = setup(args)
    n = _migrate()
    print(f"{_where(cfg)}: {'applied ' + str(n) + ' change' + ('s' if n != 1 else '') if n else 'already up to date'}.")
    return 0


@_command
def cmd_serve(args) -> int:
    if args.host and not (args.server or args.config or os.environ.get("QMARK_MODE") == "server"):
        raise _usage_error("--host is for server mode (--server); on this computer qmark listens on 127.0.0.1 only")
    if args.port is not None and not 0 <= args.port <= 65535:
        raise _usage_error(f"--port must be between 1 and 65535, not {args.port}")
    cfg = setup(args)
    from qmark.web import serve

    if cfg.is_server:
        _require_migrated(cfg)
        return serve.serve_server(
            cfg,
            host=args.host or "127.0.0.1",
            port=8000 if args.port is None else args.port,
            threads=args.threads,
            worker=not args.no_worker,
        )
    return serve.serve_desktop(cfg, port=args.port or 0, open_browser=not args.no_browser, threads=args.threads)


@_command
def cmd_worker(args) -> int:
    cfg = setup(args)
    _require_migrated(cfg)
    from qmark.web.reviews.jobs import Worker

    worker = Worker()
    print(f"qmark worker {worker.id}: running queued assessments from the {_where(cfg)}. Press Ctrl+C to stop.", flush=True)
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        worker.stop()
        print("qmark worker stopped.")
    return 0


def _read_password(args, name: str) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        if not sys.stdin.isatty():
            raise _usage_error("no terminal to ask for a password: pipe it in with --password-stdin")
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Same password again: ") != password:
            raise _usage_error("the two passwords are different; nothing was changed")
    if not password:
        raise _usage_error("the password is empty; nothing was changed")
    return password


def _check_password(password: str, user) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise _usage_error("password not accepted: " + " ".join(exc.messages)) from None


def _user(name: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise _usage_error(f"there is no account called '{name}' (see `qmark users list`)")
    return user


def _cli_audit(kind, user, organisation=None, detail=None) -> None:
    from qmark.web.reviews import audit

    audit.record(None, kind, actor_name="command line", organisation=organisation, object=f"user ‘{user.get_username()}’", detail=detail)


@_command
def cmd_users_add(args) -> int:
    from qmark.web.reviews.roles import Role

    try:
        role = Role.parse(args.role)
    except ValueError as exc:
        raise _usage_error(str(exc)) from None
    org_name = args.org.strip()
    if not org_name:
        raise _usage_error("--org needs the organisation's name")
    cfg = setup(args)
    _require_migrated(cfg)
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from qmark.web.reviews.models import AuditKind, Membership, Organisation

    User = get_user_model()
    name = args.name.strip()
    if not name or len(name) > 150:
        raise _usage_error("a username must be 1 to 150 characters")
    if User.objects.filter(username=name).exists():
        raise _usage_error(f"there is already an account called '{name}'")
    user = User(username=name)
    password = _read_password(args, name)
    _check_password(password, user)
    with transaction.atomic():
        org, created = Organisation.objects.get_or_create(name=org_name)
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, organisation=org, role=role)
        _cli_audit(AuditKind.USER_ADDED, user, org, {"role": role.value})
    print(f"Added {name} ({role.label.lower()}) to {org.name}{' (a new organisation)' if created else ''} in the {_where(cfg)}.")
    return 0


def _set_active(args, active: bool) -> int:
    cfg = setup(args)
    _require_migrated(cfg)
    from qmark.web.reviews.models import AuditKind

    user = _user(args.name)
    m = getattr(user, "membership", None)
    if user.is_active == active:
        print(f"{user.get_username()} is already {'enabled' if active else 'disabled'}.")
        return 0
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        from django.contrib.sessions.models import Session

        for s in Session.objects.all().iterator():  # sign them out everywhere now
            if str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
                s.delete()
    _cli_audit(AuditKind.USER_ENABLED if active else AuditKind.USER_DISABLED, user, m.organisation if m else None)
    print(
        f"{user.get_username()} is {'enabled: they can sign in again' if active else 'disabled: they cannot sign in; their records stay'}."
    )
    return 0


@_command
def cmd_users_disable(args) -> int:
    return _set_active(args, False)


@_command
def cmd_users_enable(args) -> int:
    return _set_active(args, True)


@_command
def cmd_users_password(args) -> int:
    cfg = setup(args)
    _require_migrated(cfg)
    user = _user(args.name)
    password = _read_password(args, user.get_username())
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    print(f"New password set for {user.get_username()} in the {_where(cfg)}.")
    return 0


@_command
def cmd_users_list(args) -> int:
    cfg = setup(args)
    _require_migrated(cfg)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.select_related("membership__organisation").order_by("username")
    rows = []
    for u in users:
        m = getattr(u, "membership", None)
        rows.append(
            (
                u.get_username(),
                m.organisation.name if m else "(none)",
                m.get_role_display() if m else "(none)",
                "yes" if u.is_active else "disabled",
                u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else "never",
            )
        )
    print(f"Accounts in the {_where(cfg)}:")
    if not rows:
        print("  none yet: add one with `qmark users add NAME --org ORG --role ROLE`")
        return 0
    head = ("Name", "Organisation", "Role", "Active", "Last sign-in")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0
