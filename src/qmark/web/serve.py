"""Running the workspace with waitress (a production WSGI server), plus the worker thread."""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import urllib.request
import webbrowser
from pathlib import Path

from qmark.web.config import WebConfig

STATE_FILE = "server.json"


def _application():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from qmark.web.cli import CommandError

        what = f"port {port} is already in use" if exc.errno in (98, 48, 10048) else exc.strerror
        raise CommandError(f"cannot listen on {host}:{port}: {what}") from None
    sock.listen(128)
    return sock


def _waitress(sock: socket.socket, cfg: WebConfig, threads: int, **extra):
    from waitress import create_server

    # Room for a request carrying a report and several working documents at the size limit.
    body_limit = (cfg.max_upload_mb * 6 + 2) * 1024 * 1024
    return create_server(
        _application(), sockets=[sock], threads=threads, ident="qmark", max_request_body_size=body_limit, expose_tracebacks=False, **extra
    )


def _running_instance(state_path: Path) -> str | None:
    """The address of a desktop workspace already running from this data folder, if any."""
    try:
        info = json.loads(state_path.read_text(encoding="utf-8"))
        url = f"http://127.0.0.1:{int(info['port'])}"
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
            if info["instance"] in r.read().decode("utf-8", "replace"):
                return url
    except Exception:
        return None
    return None


def _start_worker():
    from qmark.web.reviews.jobs import Worker

    worker = Worker()  # its first round re-queues runs a stopped server left half done
    worker.start_thread()
    return worker


def serve_desktop(cfg: WebConfig, port: int, open_browser: bool, threads: int) -> int:
    from qmark.web.cli import _migrate
    from qmark.web.reviews import signin
    from qmark.web.reviews.views import misc

    assert cfg.data_dir is not None  # desktop mode always has one
    state_path = cfg.data_dir / STATE_FILE
    print(f"Data folder: {cfg.data_dir}")
    existing = _running_instance(state_path)
    if existing:
        link = f"{existing}/signin/link/{signin.create_link(signin.desktop_user())}/"
        print(f"qmark is already running at {existing}/")
        _show_link(link, open_browser)
        return 0

    n = _migrate()
    from qmark.web.reviews.jobs import requeue_stale

    requeue_stale(all_running=True)  # no other workspace runs on this data: carry on what it left
    print(f"Database:    {state_path.parent / 'qmark.sqlite3'}" + (f" (set up: {n} change{'s' if n != 1 else ''} applied)" if n else ""))
    user = signin.desktop_user()
    sock = _bind("127.0.0.1", port)
    actual = sock.getsockname()[1]
    url = f"http://127.0.0.1:{actual}"
    instance = secrets.token_hex(8)
    misc.INSTANCE["id"] = instance
    server = _waitress(sock, cfg, threads)
    worker = _start_worker()
    state_path.write_text(json.dumps({"port": actual, "pid": os.getpid(), "instance": instance}), encoding="utf-8")
    print(f"Workspace:   {url}/ (this computer only)")
    _show_link(f"{url}/signin/link/{signin.create_link(user)}/", open_browser)
    print("Press Ctrl+C to stop qmark.", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
        server.close()
        try:
            if json.loads(state_path.read_text(encoding="utf-8")).get("instance") == instance:
                state_path.unlink()
        except (OSError, ValueError):
            pass
        print("qmark stopped. Assessments that were under way will carry on when you start it again.")
    return 0


def _show_link(link: str, open_browser: bool) -> None:
    if open_browser and _open(link):
        print("Opened your browser, signed in. If it did not open, use this one-time link within 10 minutes:")
    else:
        print("Sign in with this one-time link (it works once, within 10 minutes):")
    print(f"  {link}", flush=True)


def _open(url: str) -> bool:
    try:
        return webbrowser.open(url, new=2)
    except Exception:
        return False


def serve_server(cfg: WebConfig, host: str, port: int, threads: int, worker: bool) -> int:
    from django.contrib.auth import get_user_model

    extra = {}
    if cfg.trusted_proxies:
        # qmark reads X-Forwarded-For itself, believing only the proxies listed
        # (QMARK_TRUSTED_PROXIES); waitress must pass the headers through untouched.
        pass
    elif cfg.behind_proxy:
        # Trust X-Forwarded-* only from a proxy on this machine.
        extra = dict(
            trusted_proxy="127.0.0.1",
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
            clear_untrusted_proxy_headers=True,
        )
    sock = _bind(host, port)
    actual = sock.getsockname()[1]
    server = _waitress(sock, cfg, threads, **extra)
    w = _start_worker() if worker else None
    print(f"qmark workspace (server mode) listening on http://{host}:{actual}/ for {', '.join(cfg.allowed_hosts)}")
    print(f"Database: {cfg.describe_database()}; uploads: {cfg.upload_dir}")
    print("Assessments run in this process." if w else "Assessments run in separate `qmark worker` processes.")
    if not get_user_model().objects.exists():
        print("No accounts yet: add one with `qmark users add NAME --org ORG --role admin --server`.")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if w:
            w.stop()
        server.close()
        print("qmark stopped.", file=sys.stderr)
    return 0


__all__ = ["serve_desktop", "serve_server"]
