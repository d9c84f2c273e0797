"""Printed paragraph numbers recovered, per form, over the whole corpus (dev and test).

    python benchmarks/bench_numbers.py [FOLDER ...] [--work DIR] [--forms f1,f2] [--show N]

The truth for each report is the numbering in its own source (Markdown, text or HTML), as
qmark reads that source. The report is then made in the forms reviews are published and
copied in (tests/forms.py makes them from the source's reading) and each is read back:

- reportlab:     a PDF laid out with reportlab (running header, 'Page N of M' footer)
- lo-pdf:        a PDF made by LibreOffice from the Word document with typed numbers
- lo-pdf-auto:   a PDF made by LibreOffice from the Word document with Word list numbering
- pdftotext:     `pdftotext` (no options) of the lo-pdf
- pdftotext-layout: `pdftotext -layout` of the lo-pdf
- wrapped:       the text hard-wrapped at 78 columns with no blank lines, as copied out of a
                 PDF viewer or a web page (only line ends and numbering show the paragraphs)
- wrapped-blank: the same with a blank line between paragraphs
- docx:          a Word document with typed numbers
- docx-auto:     a Word document with Word's automatic list numbering

A number counts as recovered when the form's reading has a paragraph with that number and the
same first words after it (each counted as often as the source has it). LibreOffice and
pdftotext forms are skipped, and say so, when LibreOffice or poppler-utils are not installed.
Needs the test extra (reportlab, python-docx). --work keeps the generated files (LibreOffice
takes a minute or two for the whole corpus) and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import forms  # noqa: E402
from helpers import write_pdf  # noqa: E402
from qmark.ingest import IngestError, read_report  # noqa: E402

FORMS = ["reportlab", "lo-pdf", "lo-pdf-auto", "pdftotext", "pdftotext-layout", "wrapped", "wrapped-blank", "docx", "docx-auto"]
SUFFIXES = (".md", ".txt", ".html", ".htm")


def sources(folders: list[Path]) -> list[Path]:
    """The reports of labelled folders: a source beside each NAME.gold.json."""
    found = []
    for folder in folders:
        for gold in sorted(folder.rglob("*.gold.json")):
            stem = gold.name[: -len(".gold.json")]
            found += [p for p in sorted(gold.parent.glob(stem + ".*")) if p.suffix in SUFFIXES][:1]
    return found


def reading(path: Path) -> Counter:
    try:
        return Counter(forms.truth(read_report(path)))
    except IngestError as exc:
        print(f"  {exc}", file=sys.stderr)
        return Counter()


def pages(items: list[forms.Item], per_page: int = 9) -> list[list[str]]:
    """Items as pages of paragraphs for the reportlab writer (headings marked '#')."""
    paras = [("# " + it.text) if it.kind == "heading" else it.text for it in items if it.kind != "row"]
    paras = [
        ("\u2022 " + it.text) if it.kind == "item" and not forms._LABELLED.match(it.text) else t
        for it, t in zip([i for i in items if i.kind != "row"], paras)
    ]
    return [paras[i : i + per_page] for i in range(0, len(paras), per_page)]


def make(srcs: list[Path], work: Path, wanted: list[str], stats: dict[str, int]) -> dict[str, dict[str, Path]]:
    """Every form of every source, made once (existing files in work are reused)."""
    made: dict[str, dict[str, Path]] = {f: {} for f in FORMS}
    have_lo = forms.soffice() is not None
    have_poppler = shutil.which("pdftotext") is not None
    for f, ok in (("lo-pdf", have_lo), ("lo-pdf-auto", have_lo), ("pdftotext", have_lo and have_poppler)):
        if f in wanted and not ok:
            print(f"{f}: skipped ({'LibreOffice' if f.startswith('lo') else 'LibreOffice or poppler-utils'} not installed)")
    to_convert: list[Path] = []
    for src in srcs:
        key = f"{src.parent.name}__{src.stem}"
        items = forms.outline(read_report(src))
        title = next((it.text for it in items if it.kind == "heading"), "")

        def out(name: str, key: str = key) -> Path:
            return work / f"{key}.{name}"

        if not out("rl.pdf").exists():
            write_pdf(out("rl.pdf"), pages(items))
        made["reportlab"][key] = out("rl.pdf")
        for name, auto in (("typed", False), ("auto", True)):
            if not out(f"{name}.docx").exists():
                forms.write_docx(out(f"{name}.docx"), items, auto=auto, title=title)
            if auto:
                forms.write_docx(work / "count.docx", items, auto=True, stats=stats)
        made["docx"][key], made["docx-auto"][key] = out("typed.docx"), out("auto.docx")
        for name, blank in (("wrapped", False), ("wrapped-blank", True)):
            if not out(f"{name}.txt").exists():
                out(f"{name}.txt").write_text(forms.wrapped(items, 78, blank_lines=blank), encoding="utf-8")
            made[name][key] = out(f"{name}.txt")
        if have_lo:
            for docx_name, form in (("typed", "lo-pdf"), ("auto", "lo-pdf-auto")):
                if form in wanted or (form == "lo-pdf" and {"pdftotext", "pdftotext-layout"} & set(wanted)):
                    if not out(f"{docx_name}.pdf").exists():
                        to_convert.append(out(f"{docx_name}.docx"))
                    made[form][key] = out(f"{docx_name}.pdf")
    if to_convert:
        print(f"LibreOffice: converting {len(to_convert)} Word documents to PDF...", file=sys.stderr)
        forms.libreoffice_pdfs(to_convert, work)
    if have_lo and have_poppler:
        for key, pdf in made["lo-pdf"].items():
            for form, layout in (("pdftotext", False), ("pdftotext-layout", True)):
                target = work / f"{key}.{form}.txt"
                if not target.exists():
                    forms.pdftotext(pdf, target, layout)
                made[form][key] = target
    return made


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=[ROOT / "corpus" / "dev", ROOT / "corpus" / "test"])
    ap.add_argument("--work", type=Path, help="keep generated files here and reuse them")
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--show", type=int, default=0, help="list up to N misses per form")
    args = ap.parse_args()
    wanted = [f for f in args.forms.split(",") if f in FORMS]
    srcs = sources(args.folders)
    tmp = None
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        work = args.work
    else:
        tmp = tempfile.TemporaryDirectory()
        work = Path(tmp.name)
    stats: dict[str, int] = {}
    made = make(srcs, work, wanted, stats)
    totals = {f: [0, 0] for f in wanted}
    misses: dict[str, list[str]] = {f: [] for f in wanted}
    worst: dict[str, list[tuple[float, str]]] = {f: [] for f in wanted}
    for src in srcs:
        key = f"{src.parent.name}__{src.stem}"
        truth = reading(src)
        if not truth:
            continue
        for form in wanted:
            if key not in made[form]:
                continue
            got = reading(made[form][key])
            hit = sum((truth & got).values())
            totals[form][0] += hit
            totals[form][1] += sum(truth.values())
            worst[form].append((hit / sum(truth.values()), key))
            misses[form] += [f"{key}: {n} {w!r}" for n, w in (truth - got).elements()]
    print(f"\nPrinted paragraph numbers recovered over {len(srcs)} reports ({', '.join(str(f) for f in args.folders)}):")
    for form in wanted:
        hit, total = totals[form]
        if not total:
            print(f"  {form:<17} not measured")
            continue
        low = sorted(worst[form])[:1]
        lowest = f"  lowest {100 * low[0][0]:.0f}% ({low[0][1]})" if low and low[0][0] < 1 else ""
        print(f"  {form:<17} {hit:>5}/{total} {100 * hit / total:6.1f}%{lowest}")
        if form.endswith("auto") and stats:
            print(
                f"      ({stats['auto']} numbers made by Word's list numbering, {stats['typed']} typed where the report's numbering jumps)"
            )
        for line in misses[form][: args.show]:
            print(f"      missed {line}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
