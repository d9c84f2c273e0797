"""Printed A4 pages of the HTML report (and of the Word assessment, where LibreOffice is
installed) for the reports of a corpus folder: the figure the README quotes. Printing uses a
Chromium-family browser, as a user would from the browser's Print dialog.

    python benchmarks/bench_print_pages.py corpus/dev
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from qmark.engine import Engine
from qmark.render import content, html, pdf, word

SUFFIXES = (".md", ".txt", ".html", ".pdf", ".docx")


def pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Pages:\s+(\d+)", out)
    return int(m.group(1)) if m else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--word", action="store_true", help="also count the Word assessment's pages (LibreOffice)")
    args = ap.parse_args()
    browser = pdf.find_browser()
    if not browser:
        print("no Chromium-family browser found", file=sys.stderr)
        return 2
    engine = Engine.from_profile(None)
    reports = sorted(p for p in Path(args.folder).iterdir() if p.suffix in SUFFIXES and ".gold" not in p.name)
    html_pages, word_pages = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in reports:
            a = engine.assess(r)
            c = content.build(a, engine.profile)
            out = Path(tmp) / f"{r.stem}.pdf"
            pdf._browser(html.render_content(c), out, browser)  # collapsed, as the user has it on screen
            html_pages.append(pages(out))
            line = f"{r.name:<40} HTML printed: {html_pages[-1]:>2} pages"
            if args.word and pdf.find_libreoffice():
                w = Path(tmp) / f"{r.stem}.docx"
                word.write_content(c, w)
                subprocess.run([pdf.find_libreoffice(), "--headless", "--convert-to", "pdf", "--outdir", tmp, str(w)], capture_output=True)
                word_pages.append(pages(Path(tmp) / f"{r.stem}.pdf"))
                line += f"   Word: {word_pages[-1]:>2} pages"
            print(line, flush=True)
    print(
        f"{len(reports)} reports: HTML printed to A4, median {statistics.median(html_pages):g} pages (range {min(html_pages)}-{max(html_pages)})"
    )
    if word_pages:
        print(f"Word assessment, median {statistics.median(word_pages):g} pages (range {min(word_pages)}-{max(word_pages)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
