"""The command line: a thin shell over qmark.assess. Errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qmark import __version__

if TYPE_CHECKING:
    from qmark.assess.records import Assessment

log = logging.getLogger("qmark")

SAMPLE = "child_m_lcspr_2022.md"
SAMPLE_WORKING = "child_m_terms_of_reference.md"


class UsageError(Exception):
    """A problem with what the user typed; str() is the message."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def sample_path(name: str = SAMPLE) -> Path:
    from importlib import resources

    return Path(str(resources.files("qmark.samples").joinpath(name)))


def _output_folder(arg: str | None, option: str) -> Path | None:
    """With several reports, --json/--html name a folder: refuse what looks like one file."""
    if not arg:
        return None
    p = Path(arg)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{option} {arg}: with several reports {option} needs a folder (one file each), and this is a file")
    if not p.exists() and p.suffix.lower() in (".json", ".html", ".htm", ".docx", ".pdf", ".csv"):
        raise UsageError(f"{option} {arg}: with several reports {option} needs a folder, not a file name (for example {option} out/)")
    return p


def _outputs(arg: str | None, stem: str, suffix: str, folder: Path | None) -> Path | None:
    if not arg:
        return None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{stem}{suffix}"
    p = Path(arg)
    if p.is_dir():
        return p / f"{stem}{suffix}"
    return p


def _engine(args: argparse.Namespace):
    from qmark.engine import Engine

    return Engine.from_profile(
        getattr(args, "profile", None), thresholds=getattr(args, "thresholds", None), max_mb=getattr(args, "max_mb", 100)
    )


def _assessments(args: argparse.Namespace, engine) -> Iterator[tuple[str, Assessment | str]]:
    """(file, Assessment or a one-line failure) for each file, in the order given; with --jobs,
    several at once, each in a sandboxed process."""
    from qmark.ingest import IngestError

    jobs = getattr(args, "jobs", 1) or 1
    if jobs <= 1 or len(args.files) == 1:
        for f in args.files:
            try:
                yield f, engine.assess(f, args.with_docs, report_date=args.date, annotations=getattr(args, "annotations", False))
            except IngestError as exc:
                yield f, str(exc)
        return
    from concurrent.futures import ThreadPoolExecutor

    from qmark.assess.records import Assessment as Record
    from qmark.batch.task import assess_review
    from qmark.sandbox import Failed, Limits, Sandbox

    boxes = [Sandbox(Limits(seconds=args.timeout, memory_mb=args.memory_mb), preload=("qmark.batch.task",)) for _ in range(jobs)]
    free = list(boxes)
    when = args.date.isoformat() if args.date else None

    def one(f: str):
        box = free.pop()
        try:
            r = box.call(
                assess_review, [f], [f], when, args.profile, args.thresholds, args.max_mb, False, getattr(args, "annotations", False)
            )
        except Failed as exc:
            return f"{f}: {exc.reason}"
        finally:
            free.append(box)
        return Record.model_validate_json(r["json"]) if r["ok"] else r["reason"]

    try:
        with ThreadPoolExecutor(jobs) as pool:
            for f, result in zip(args.files, pool.map(one, args.files), strict=True):
                yield f, result
    finally:
        for b in boxes:
            b.close()


def cmd_assess(args: argparse.Namespace) -> int:
    from rich.console import Console

    from qmark.outputs import atomic_write_text, distinct_stems
    from qmark.render import content, jsonout, terminal

    # The other writers (Word via python-docx, HTML via Jinja2, PDF) are imported only when asked for.

    several = len(args.files) > 1
    if several and args.with_docs:
        raise UsageError(
            "--with attaches working documents to one report; to assess several reviews with their own working documents, "
            "list them in a CSV manifest (report, working, id, date, type) and run qmark batch MANIFEST.csv --out DIR"
        )
    combined_csv = bool(several and args.csv and args.csv.lower().endswith(".csv") and not Path(args.csv).is_dir())
    json_dir = _output_folder(args.json, "--json") if several else None
    html_dir = _output_folder(args.html, "--html") if several else None
    word_dir = _output_folder(args.word, "--word") if several else None
    pdf_dir = _output_folder(args.pdf, "--pdf") if several else None
    comments_dir = _output_folder(args.comments, "--comments") if several else None
    csv_dir = _output_folder(args.csv, "--csv") if several and not combined_csv else None
    engine = _engine(args)
    console = Console()
    stems = dict(zip(args.files, distinct_stems(args.files), strict=True))
    failures: list[str] = []  # documents that could not be read
    problems: list[str] = []  # outputs that could not be written
    tables: list[content.Content] = []

    def fail(line: str, into: list[str] = problems) -> None:
        into.append(line)
        # Plain print: an error must stay on one line whatever the terminal width.
        print(f"qmark: {line}", file=sys.stderr)

    for i, (f, a) in enumerate(_assessments(args, engine)):
        if isinstance(a, str):
            fail(a, failures)
            continue
        stem = stems[f]
        if not args.quiet:
            if i:
                console.print()
            terminal.render(a, engine.profile, console)
        c = content.build(a, engine.profile)
        j = _outputs(args.json, stem, ".json", json_dir)
        h = _outputs(args.html, stem, ".html", html_dir)
        w = _outputs(args.word, stem, ".assessment.docx", word_dir)
        p = _outputs(args.pdf, stem, ".pdf", pdf_dir)
        cm = _outputs(args.comments, stem, ".comments.docx", comments_dir)
        cs = None if combined_csv else _outputs(args.csv, stem, ".csv", csv_dir)
        if j:
            jsonout.write(a, j)
            console.print(f"JSON written to {j}")
        if h:
            from qmark.render import html

            atomic_write_text(h, html.render_content(c))
            console.print(f"HTML report written to {h}")
        if w:
            from qmark.render import word

            word.write_content(c, w)
            console.print(f"Word assessment written to {w}")
        if cs:
            from qmark.render import csvout

            csvout.write([c], cs)
            console.print(f"CSV of ratings written to {cs}")
        tables.append(c)
        if p:
            from qmark.render import pdf

            try:
                used = pdf.write(c, p)
            except pdf.PdfError as exc:
                fail(f"{f}: {exc}")
            else:
                console.print(f"PDF written to {p} (made with {used})")
        if cm:
            from qmark.render import comments

            if cm.resolve() == Path(f).resolve():
                fail(f"{f}: the commented copy would overwrite the draft; give another file name for --comments")
                continue
            try:
                done = comments.annotate(f, a, engine.profile, cm)
            except comments.NotWordError as exc:
                fail(str(exc))
            else:
                missed = f"; {len(done.unplaced)} could not be placed (listed in the first comment)" if done.unplaced else ""
                console.print(f"Draft with {done.placed} comments written to {cm}{missed}")
    if combined_csv and tables:
        from qmark.render import csvout

        csvout.write(tables, args.csv)
        console.print(f"CSV of ratings for {len(tables)} reports written to {args.csv}")
    if several and failures:
        print(f"qmark: {len(failures)} of {len(args.files)} documents could not be assessed:", file=sys.stderr)
        for line in failures:
            print(f"  {line}", file=sys.stderr)
    if several and problems:
        print(f"qmark: {len(problems)} output(s) could not be written:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    return 2 if failures or problems else 0


def cmd_batch(args: argparse.Namespace) -> int:
    from qmark.batch.inputs import BatchError
    from qmark.batch.run import main as batch_main

    try:
        return batch_main(args)
    except BatchError as exc:
        raise UsageError(str(exc)) from None


def cmd_corpus(args: argparse.Namespace) -> int:
    from qmark.batch.inputs import BatchError
    from qmark.dashboard import main as dashboard_main

    try:
        return dashboard_main(args)
    except BatchError as exc:
        raise UsageError(str(exc)) from None


def cmd_demo(args: argparse.Namespace) -> int:
    args.files = [str(sample_path())]
    args.with_docs = [str(sample_path(SAMPLE_WORKING))]
    args.json = args.json
    args.html = args.html or "qmark-demo.html"
    args.profile, args.thresholds, args.date, args.max_mb, args.quiet, args.jobs = None, None, None, 100, False, 1
    args.word = args.pdf = args.csv = args.comments = None
    print("Assessing the built-in fictional sample: Local Child Safeguarding Practice Review, Child M (2022),")
    print("with its terms of reference as a working document.\n")
    code = cmd_assess(args)
    if code == 0:
        print(f"\nOpen {Path(args.html).resolve()} in a web browser to read the evidence for each question.")
    return code


def cmd_guide(args: argparse.Namespace) -> int:
    from qmark.knowledge.guide import guide_text
    from qmark.profile import load_profile

    profile = load_profile(args.profile)
    try:
        print(guide_text(profile.guidance, profile.knowledge_base, args.question))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from qmark.render.jsonout import schema

    print(json.dumps(schema(), indent=2))
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from qmark.data import DataFileError
    from qmark.profile import DEFAULT_PROFILE, installed, load_profile

    for folder in installed():
        try:
            p = load_profile(folder)
        except DataFileError as exc:
            print(f"{folder.name:<16} (cannot be loaded: {exc})")
            continue
        default = "  (default)" if p.id == DEFAULT_PROFILE else ""
        print(f"{p.id:<16} {p.version:<8} {p.title} - {len(p.question_ids)} questions{default}")
        if args.verbose:
            print(f"{'':<16} {folder}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from qmark.checks import run_checks

    problems = run_checks(args.profile or None)
    for p in problems:
        print(p)
    errors = sum(p.is_error for p in problems)
    if errors:
        print(f"qmark check: {errors} error(s), {len(problems) - errors} warning(s)")
        return 1
    print(f"qmark check: no errors ({len(problems)} warning(s))")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from qmark.evaluate.run import main as evaluate_main

    return evaluate_main(args)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from qmark.evaluate.calibrate import main as calibrate_main

    return calibrate_main(args)


def cmd_train(args: argparse.Namespace) -> int:
    from qmark.evaluate.train import main as train_main

    return train_main(args)


def _limit_args(p: argparse.ArgumentParser) -> None:
    from qmark.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS

    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_SECONDS,
        metavar="SECONDS",
        help=f"give up on a document after this long (default {DEFAULT_SECONDS:g}; 0: no limit)",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="N",
        help=f"memory limit per document's process (default {DEFAULT_MEMORY_MB}; 0: no limit)",
    )


def _profile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile",
        metavar="ID|PATH",
        help="the quality marker to assess against: an installed profile id (see qmark profiles) or a profile folder; default: analysis",
    )
    p.add_argument(
        "--thresholds", metavar="FILE", help="rating thresholds to use instead of the profile's own (e.g. from qmark calibrate --out)"
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qmark",
        description="Assess the analysis in a case review against a quality marker (by default SCIE's Analysis marker). Works offline.",
    )
    p.add_argument("--version", action="version", version=f"qmark {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="say more about what is happening (never prints report text)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser("assess", help="assess one or more review reports")
    a.add_argument("files", nargs="+", metavar="FILE", help="report(s): PDF, DOCX, HTML, Markdown or text; each is assessed on its own")
    a.add_argument(
        "--with",
        dest="with_docs",
        action="append",
        default=[],
        metavar="DOC",
        help="a working document (terms of reference, minutes, reviewer's statement) read together with the report; repeat for more",
    )
    a.add_argument("--json", metavar="PATH", help="write the assessment as JSON (a folder when several reports are given)")
    a.add_argument("--html", metavar="PATH", help="write a self-contained HTML report (a folder when several reports are given)")
    a.add_argument(
        "--word", metavar="PATH", help="write the Word assessment (.docx): summary, strengths, numbered areas for development, detail"
    )
    a.add_argument(
        "--comments",
        metavar="PATH",
        help="for a Word (.docx) draft: write a copy with qmark's points as Word comments in the margin; the draft itself is not changed",
    )
    a.add_argument("--pdf", metavar="PATH", help="write the assessment as a print-ready PDF (uses Edge, Chrome or Chromium, or qmark[pdf])")
    a.add_argument(
        "--csv",
        metavar="PATH",
        help="write the ratings as CSV, one row per question (with several reports, a .csv path gets one file for all)",
    )
    a.add_argument(
        "--annotations",
        action="store_true",
        help="add to the JSON every sentence in reading order with its labels and a score per label (see docs/schema.md)",
    )
    _profile_args(a)
    a.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the report's date, when it cannot be read from the report")
    a.add_argument("--max-mb", type=float, default=100, metavar="N", help="refuse files larger than this (default 100 MB)")
    a.add_argument("-q", "--quiet", action="store_true", help="no terminal summary")
    a.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="assess N reports at once, each in its own process with the limits below (default 1)",
    )
    _limit_args(a)
    a.set_defaults(func=cmd_assess)

    b = sub.add_parser("batch", help="assess many reviews into tables (CSV, Parquet) and one JSON each; resumable")
    b.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="folders (searched recursively), globs, report files, or CSV manifests with columns report, working, id, date, type",
    )
    b.add_argument("--out", required=True, metavar="DIR", help="the output folder (a stopped batch carries on when given the same one)")
    b.add_argument("--workers", type=int, metavar="N", help="reports assessed at once on this machine (default: one per core)")
    b.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on an existing Dask cluster instead (pip install 'qmark[dask]')")
    b.add_argument("--html", action="store_true", help="also write a self-contained HTML assessment per report (html/)")
    _profile_args(b)
    b.add_argument("--max-mb", type=float, default=100, metavar="N", help="refuse files larger than this (default 100 MB)")
    _limit_args(b)
    b.add_argument("--recycle-after", type=int, default=0, metavar="N", help=argparse.SUPPRESS)
    b.set_defaults(func=cmd_batch)

    co = sub.add_parser("corpus", help="draw a dashboard of a batch's results (qmark corpus DIR --html OUT.html)")
    co.add_argument("folder", metavar="DIR", help="a qmark batch output folder")
    co.add_argument("--html", required=True, metavar="OUT", help="where to write the dashboard (one self-contained HTML file)")
    co.set_defaults(func=cmd_corpus)

    d = sub.add_parser("demo", help="assess the built-in fictional sample report and write qmark-demo.html")
    d.add_argument("--html", metavar="PATH", help="where to write the HTML report (default qmark-demo.html)")
    d.add_argument("--json", metavar="PATH", help="also write JSON")
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("guide", help="guidance for assessors: all questions, or one (e.g. qmark guide q6)")
    g.add_argument("question", nargs="?", help="a question id (e.g. q6) or its number")
    g.add_argument("--profile", metavar="ID|PATH", help="the profile whose guidance to show (default: analysis)")
    g.set_defaults(func=cmd_guide)

    e = sub.add_parser("evaluate", help="measure agreement with a labelled corpus (see corpus/README.md)")
    e.add_argument("folder", help="folder of reports with NAME.gold.json beside each")
    _profile_args(e)
    e.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    e.add_argument("--fitted", action="store_true", help="score with the shipped thresholds instead of cross-validated ones")
    e.add_argument("--folds", type=int, default=0, help="cross-validation folds (default: one report per fold)")
    e.add_argument("--semantic", action="store_true", help="also use the optional sentence-embedding layer (pip install qmark[semantic])")
    e.set_defaults(func=cmd_evaluate)

    c = sub.add_parser("calibrate", help="fit rating thresholds on a labelled corpus and write them to a file")
    c.add_argument("folder", help="folder of reports with NAME.gold.json beside each")
    c.add_argument(
        "--profile", metavar="ID|PATH", help="the profile to fit (default: analysis); reports labelled for another profile are skipped"
    )
    c.add_argument("--out", metavar="FILE", help="where to write the thresholds (default: print a summary only)")
    c.set_defaults(func=cmd_calibrate)

    t = sub.add_parser("train", help="fit the profile's learned sentence and rating models on a labelled corpus (needs qmark[train])")
    t.add_argument("folder", help="folder of reports with NAME.gold.json and labelled sentences (*.jsonl)")
    t.add_argument("--profile", metavar="ID|PATH", help="the profile to train (default: analysis)")
    t.add_argument("--out", metavar="FOLDER", help="write a trained copy of the profile there (default: into the profile's own folder)")
    t.set_defaults(func=cmd_train)

    pr = sub.add_parser("profiles", help="list the installed assessment profiles (quality markers)")
    pr.set_defaults(func=cmd_profiles)

    ck = sub.add_parser("check", help="check every profile and data file; list each problem with an id")
    ck.add_argument("--profile", action="append", metavar="ID|PATH", help="check only this profile (repeatable)")
    ck.set_defaults(func=cmd_check)

    s = sub.add_parser("schema", help="print the JSON schema of the assessment output")
    s.set_defaults(func=cmd_schema)

    i = sub.add_parser("inspect", help="show how qmark read a document: sections, paragraph numbers, pages, what was set aside")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--with", dest="with_docs", action="append", default=[], metavar="DOC", help="a working document read with it")
    i.add_argument("--json", metavar="OUT", help="also write the reading as JSON ('-' for standard output only)")
    i.add_argument("--max-mb", type=float, default=100, metavar="N", help="refuse files larger than this (default 100 MB)")
    i.set_defaults(func=lambda args: __import__("qmark.inspect", fromlist=["main"]).main(args))

    try:
        from qmark.web.cli import add_commands
    except ImportError:  # the web app is optional at import time
        pass
    else:
        add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from qmark.data import DataFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="qmark: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (UsageError, DataFileError) as exc:
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qmark: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (| head): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"qmark: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
