"""PDF of the assessment: the printable HTML report (the Word assessment's content, every section
open) printed to PDF by whatever this computer already has, so nothing heavy is installed by
default:

- `browser`: Microsoft Edge (on every Windows 10 and 11 laptop), Google Chrome or Chromium, run
  headless with its own print-to-PDF, offline, with a throw-away profile;
- `weasyprint`: the optional extra (`pip install "qmark[pdf]"`), pure Python on Linux and macOS
  but needing the GTK/Pango libraries on Windows, so it is not the default there;
- `libreoffice`: converts the Word assessment, where LibreOffice is installed.

Whichever is used, the content is the same records in the same words as the Word file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from qmark.render import html
from qmark.render.content import Content

ENGINES = ("weasyprint", "browser", "libreoffice")
TIMEOUT_S = 180


class PdfError(Exception):
    """No PDF could be made; str() is one line saying why and what to do."""


_BROWSERS = (
    "msedge",
    "microsoft-edge",
    "microsoft-edge-stable",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "chromium",
    "chromium-browser",
)


def _windows_paths() -> list[Path]:
    out = []
    for var in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        base = os.environ.get(var)
        if base:
            out += [Path(base) / "Microsoft/Edge/Application/msedge.exe", Path(base) / "Google/Chrome/Application/chrome.exe"]
    return out


def find_browser() -> str | None:
    """A Chromium-family browser: QMARK_BROWSER if set, else Edge, Chrome or Chromium."""
    given = os.environ.get("QMARK_BROWSER")
    if given:
        return given if Path(given).exists() or shutil.which(given) else None
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    candidates = _windows_paths() if sys.platform == "win32" else []
    if sys.platform == "darwin":
        candidates += [
            Path("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
            Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        ]
    return next((str(p) for p in candidates if p.exists()), None)


def find_libreoffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        for var in ("ProgramFiles", "ProgramFiles(x86)"):
            p = Path(os.environ.get(var, "")) / "LibreOffice/program/soffice.exe"
            if p.exists():
                return str(p)
    return None


def _has_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except Exception:  # ImportError, or OSError when the Pango libraries are missing
        return False
    return True


def available() -> list[str]:
    """The engines this computer can use, in the order they are tried."""
    found = {"weasyprint": _has_weasyprint(), "browser": find_browser() is not None, "libreoffice": find_libreoffice() is not None}
    return [e for e in ENGINES if found[e]]


def _browser(page: str, out: Path, exe: str) -> None:
    with tempfile.TemporaryDirectory(prefix="qmark-pdf-") as tmp:
        src = Path(tmp) / "assessment.html"
        src.write_text(page, encoding="utf-8")
        args = [
            exe,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-domain-reliability",
            "--dns-prefetch-disable",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)


def _weasyprint(page: str, out: Path) -> None:
    import weasyprint

    weasyprint.HTML(string=page).write_pdf(str(out))


def _libreoffice(c: Content, out: Path, exe: str) -> None:
    from qmark.render import word

    with tempfile.TemporaryDirectory(prefix="qmark-pdf-") as tmp:
        src = Path(tmp) / "assessment.docx"
        word.write_content(c, src)
        env = {**os.environ, "HOME": tmp}  # a throw-away LibreOffice profile
        subprocess.run(
            [exe, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
            capture_output=True,
            timeout=TIMEOUT_S,
            env=env,
            check=False,
        )
        made = Path(tmp) / "assessment.pdf"
        if made.exists():
            shutil.move(str(made), out)


def write(c: Content, out: str | Path, engine: str | None = None) -> str:
    """Print the content to a PDF at `out`; the engine used."""
    out = Path(out).resolve()
    engines = [engine] if engine else available()
    if engine and engine not in ENGINES:
        raise PdfError(f"unknown PDF engine '{engine}'; use one of {', '.join(ENGINES)}")
    if not engines:
        raise PdfError(
            "no way to make a PDF on this computer: install Microsoft Edge, Google Chrome or Chromium, or pip install 'qmark[pdf]'; "
            "or open the HTML report in a browser and print it to PDF"
        )
    page = html.render_content(c, expand=True)
    if out.exists():
        out.unlink()
    for e in engines:
        try:
            if e == "weasyprint":
                _weasyprint(page, out)
            elif e == "browser":
                exe = find_browser()
                if exe:
                    _browser(page, out, exe)
            else:
                exe = find_libreoffice()
                if exe:
                    _libreoffice(c, out, exe)
        except (OSError, subprocess.SubprocessError, ImportError):
            continue
        if out.exists() and out.stat().st_size > 0 and out.read_bytes()[:5] == b"%PDF-":
            return e
    raise PdfError(f"the PDF could not be made with {', '.join(engines)}; open the HTML report in a browser and print it to PDF")
