"""The outputs people use: the Word assessment, the reviewer's draft returned with Word comments,
the CSV of ratings, the printable HTML report and the PDF, all from corpus reports."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from docx_drafts import DELETED, EXISTING_COMMENT, INSERTED, write_draft
from qmark.cli import main
from qmark.engine import Engine
from qmark.ingest import docx as docx_reader
from qmark.render import comments, content, csvout, html, word
from qmark.render.assessor import AddedEvidence, AssessorJudgements, AssessorRating

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "dev"
STRONG = CORPUS / "r02_systems_2016.md"  # a systems review: strong analysis
WEAK = CORPUS / "r17_scr_2012_blame.txt"  # a blaming review: weak analysis


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine.from_profile(None)


@lru_cache(maxsize=4)
def _assess(path: Path):
    return _engine().assess(path)


def _judgements(a) -> AssessorJudgements:
    """An assessor who confirmed q1, changed q3 with a comment, rejected q3's strongest passage
    and added a passage."""
    q1, q3 = a.result("q1"), a.result("q3")
    other = "not_met" if q3.rating != "not_met" else "met"
    return AssessorJudgements(
        ratings={
            "q1": AssessorRating(q1.rating, "alex", "2026-03-02T10:00:00+00:00"),
            "q3": AssessorRating(other, "alex", "2026-03-02T10:05:00+00:00", comment="=HYPERLINK(evil) see para 5.9"),
        },
        decisions={f"for:{q3.evidence[0].id}": "rejected"} if q3.evidence else {},
        added={"q3": [AddedEvidence("para 6.3", "The assessor's own passage about why it happened.", "alex")]},
        organisation="Northmoor Safeguarding Children Partnership",
        reference="NSCB-2016-01",
        review_title="Child S",
        exported_by="alex",
    )


# ------------------------------------------------------------------------ the Word assessment


def _word(tmp_path: Path, a, judgements=None) -> docx.document.Document:
    out = tmp_path / "assessment.docx"
    word.write(a, out, _engine().profile, judgements)
    return docx.Document(str(out))


def test_word_assessment_has_summary_strengths_areas_and_detail_in_words_own_styles(tmp_path):
    a = _assess(WEAK)
    d = _word(tmp_path, a)
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1[:4] == ["Summary", "Strengths", "Areas for development", "The analysis at a glance"]
    assert "Question by question" in h1 and "Passages to look at" in h1
    assert d.paragraphs[0].style.name == "Title"
    # the summary table: one row per question with qmark's rating, confidence and the assessor's column
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Question", "qmark suggests", "Confidence", "Assessor's rating"]
    assert len(table.rows) == 1 + len(a.questions)
    labels = {k: v.label for k, v in _engine().profile.words.ratings.items()}
    for row, q in zip(table.rows[1:], a.questions):
        assert row.cells[0].text == f"{q.number}. {q.short}"
        assert row.cells[1].text.startswith(labels[q.rating])
        assert row.cells[2].text == f"{round(q.confidence * 100)}%"
        assert row.cells[3].text == "Not yet confirmed"
    status = d.paragraphs[2].text
    assert "No assessor has confirmed these ratings" in status
    # numbered areas for development (Word's own list numbering), each tied to a question and paragraphs
    areas = [p for p in d.paragraphs if p.style.name == "List Number"]
    c = content.build(a, _engine().profile)
    assert len(areas) == len(c.areas) >= 5
    for p, area in zip(areas, c.areas):
        assert f"(question {area.question.number}, " in p.text
    hindsight = next(p for p, area in zip(areas, c.areas) if area.question.id == "q6")
    flagged = [f.location.paragraph for f in a.flags if f.kind == "hindsight_judgement" and f.location]
    assert any(re.search(rf"\b{re.escape(n)}\b", hindsight.text) for n in flagged if n)
    # per-question detail with quoted evidence and locations
    h2 = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    for q in a.questions:
        assert any(t.startswith(f"{q.number}. {q.short}: ") for t in h2)
    quotes = [p.text for p in d.paragraphs if p.style.name == "Quote"]
    assert len(quotes) >= 10
    q5 = a.result("q5")
    assert any(q5.evidence[0].location.label in p.text for p in d.paragraphs)
    # no unexplained abbreviations: every one the glossary knows and the text uses is listed
    body = "\n".join(p.text for p in d.paragraphs)
    glossary = body.split("\nAbbreviations\n", 1)[1]
    for abbr in ("SCR", "QM"):
        assert re.search(rf"\b{abbr}\b", body) and f"{abbr}: " in glossary
    assert "fingerprint" not in body.lower() and "KLOE" not in body.replace("KLOE: ", "")


def test_word_assessment_shows_the_assessors_rating_beside_the_suggestion(tmp_path):
    a = _assess(WEAK)
    j = _judgements(a)
    d = _word(tmp_path, a, j)
    labels = {k: v.label for k, v in _engine().profile.words.ratings.items()}
    rows = d.tables[0].rows
    assert rows[1].cells[3].text == labels[a.result("q1").rating]
    assert rows[3].cells[3].text == labels[j.ratings["q3"].rating] and rows[3].cells[1].text.startswith(labels[a.result("q3").rating])
    assert rows[2].cells[3].text == "Not yet confirmed"
    body = "\n".join(p.text for p in d.paragraphs)
    assert "2 of 11 ratings have been confirmed by an assessor; the other 9 are qmark's suggestions only" in body
    assert "=HYPERLINK(evil) see para 5.9" in body and "Evidence added by the assessor" in body
    assert "(rejected by the assessor)" in body
    assert "Confirmed by the assessor (differs from qmark)" in body


# ------------------------------------------------------------------------ CSV


def test_csv_has_one_row_per_question_and_says_which_ratings_are_confirmed(tmp_path):
    a = _assess(WEAK)
    c = content.build(a, _engine().profile, _judgements(a))
    text = csvout.to_csv([c, content.build(_assess(STRONG), _engine().profile)])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 * 11
    first = rows[:11]
    assert [r["question id"] for r in first] == [q.question for q in a.questions]
    assert first[0]["rating status"] == "Confirmed by the assessor" and first[1]["rating status"].startswith("qmark's suggestion only")
    assert first[2]["assessor's comment"].startswith("'=HYPERLINK")  # defused for spreadsheets
    assert first[2]["rating to report"] == first[2]["assessor's rating"] != first[2]["qmark suggests"]
    assert rows[11]["review"] == "Serious Case Review: Child S" and rows[11]["assessor's rating"] == ""
    assert int(first[5]["flagged passages"]) >= 5  # q6: the hindsight-laden judgements


# ------------------------------------------------------------------------ the commented draft


def _anchored(document) -> dict[str, str]:
    """Comment id -> the visible text its range covers, in document order."""
    active: list[str] = []
    out: dict[str, list[str]] = {}
    for el in document.element.body.iter():
        if el.tag == qn("w:commentRangeStart"):
            active.append(el.get(qn("w:id")))
            out.setdefault(el.get(qn("w:id")), [])
        elif el.tag == qn("w:commentRangeEnd"):
            cid = el.get(qn("w:id"))
            if cid in active:
                active.remove(cid)
        elif el.tag == qn("w:t") and not any(a.tag == qn("w:del") for a in el.iterancestors()):
            for cid in active:
                out[cid].append(el.text or "")
    return {k: "".join(v) for k, v in out.items()}


def _tracked(document) -> list[tuple[str, str, str]]:
    return [
        (el.tag.split("}")[1], el.get(qn("w:author")), "".join(t.text or "" for t in el.iter(qn("w:t"), qn("w:delText"))))
        for el in document.element.body.iter(qn("w:ins"), qn("w:del"))
    ]


def _numbering(document) -> list[tuple[str, str | None, str | None]]:
    out = []
    for p in document.paragraphs:
        num = p._p.pPr.numPr if p._p.pPr is not None else None
        out.append((p.style.name, num.numId.val if num is not None and num.numId is not None else None, p.text))
    return out


@pytest.fixture(scope="module")
def commented(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("draft")
    draft = write_draft(STRONG, tmp / "child-s-draft.docx")
    before = draft.read_bytes()
    a = _engine().assess(draft)
    out = tmp / "child-s-draft-commented.docx"
    summary = comments.annotate(draft, a, _engine().profile, out)
    assert draft.read_bytes() == before  # the draft itself is never written to
    return draft, out, a, summary


def test_comments_are_anchored_at_flagged_passages_and_the_strongest_evidence(commented):
    draft, out, a, summary = commented
    d = docx.Document(str(out))
    ours = [c for c in d.comments if c.author == "qmark"]
    assert summary.placed >= 15 and not summary.unplaced
    assert len(ours) == summary.placed + 1  # and one overview at the top
    anchored = _anchored(d)
    plain = lambda s: " ".join(s.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").split())  # noqa: E731
    by_text = {c.comment_id: (c.text, plain(anchored.get(str(c.comment_id), ""))) for c in ours}
    hindsight = [f for f in a.flags if f.kind == "hindsight_judgement"]
    assert hindsight
    for f in hindsight:
        # a comment naming the question sits exactly on the flagged sentence
        assert any(
            anchor == plain(f.quote) and text.startswith("Question 6: Techniques to limit hindsight") for text, anchor in by_text.values()
        ), f.quote
    for q in a.questions:
        ev = q.evidence[0]
        hits = [(t, anc) for t, anc in by_text.values() if t.startswith(f"Question {q.number}: ") and "strongest evidence" in t]
        assert hits and plain(ev.quote) == hits[0][1]
        assert ("What would strengthen it:" in hits[0][0]) == (q.rating != "met")
    overview = next(t for t, _ in by_text.values() if t.startswith("qmark's comments on this draft"))
    assert "No assessor has confirmed these ratings" in overview


def test_the_drafts_own_text_numbering_tracked_changes_and_comments_are_untouched(commented):
    draft, out, a, _ = commented
    before, after = docx.Document(str(draft)), docx.Document(str(out))
    # text and Word's numbering as qmark reads them, block by block
    read = lambda p: [(b.kind, b.number, b.text) for b in docx_reader.read(p).blocks]  # noqa: E731
    assert read(draft) == read(out)
    assert _numbering(before) == _numbering(after)
    assert [(p.text, [r.italic for r in p.runs if r.text.strip()] != []) for p in before.paragraphs] == [
        (p.text, [r.italic for r in p.runs if r.text.strip()] != []) for p in after.paragraphs
    ]
    # tracked changes: the same insertion and deletion, by the same author
    assert _tracked(before) == _tracked(after) == [("ins", "Tomasz Wren", INSERTED), ("del", "Tomasz Wren", DELETED)]
    # the reviewer's own comment: same text, author and anchor
    theirs = lambda d: [(c.comment_id, c.author, c.text, _anchored(d)[str(c.comment_id)]) for c in d.comments if c.author != "qmark"]  # noqa: E731
    assert theirs(before) == theirs(after) and theirs(after)[0][2] == EXISTING_COMMENT
    # the same reading gives the same assessment
    again = _engine().assess(out)
    assert [q.rating for q in again.questions] == [q.rating for q in a.questions]


def test_comments_need_a_word_draft_and_never_overwrite_it(tmp_path, capsys):
    txt = tmp_path / "draft.txt"
    shutil.copyfile(WEAK, txt)
    assert main(["assess", str(txt), "-q", "--comments", str(tmp_path / "out.docx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["qmark: draft.txt: comments can only be added to a Word (.docx) draft; this is a .txt"]
    draft = write_draft(STRONG, tmp_path / "draft.docx")
    before = draft.read_bytes()
    assert main(["assess", str(draft), "-q", "--comments", str(draft)]) == 2
    assert "would overwrite the draft" in capsys.readouterr().err and draft.read_bytes() == before


def test_cli_writes_every_output_for_several_reports(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["assess", str(STRONG), str(WEAK), "-q", "--word", str(out), "--csv", str(out / "ratings.csv"), "--html", str(out)])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "r02_systems_2016.assessment.docx",
        "r02_systems_2016.html",
        "r17_scr_2012_blame.assessment.docx",
        "r17_scr_2012_blame.html",
        "ratings.csv",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "ratings.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 22 and {r["review"] for r in rows} == {"Serious Case Review: Child S", a_title(WEAK)}
    # the HTML and the Word file are built from the same content
    page = (out / "r17_scr_2012_blame.html").read_text(encoding="utf-8")
    d = docx.Document(str(out / "r17_scr_2012_blame.assessment.docx"))
    areas = [p.text for p in d.paragraphs if p.style.name == "List Number"]
    for text in areas:
        assert html_escape(text.split(". ", 1)[1][:60]) in page


def a_title(path: Path) -> str:
    return _assess(path).report.title


def html_escape(s: str) -> str:
    import html as h

    return h.escape(s, quote=True).replace("&#x27;", "&#39;")


# ------------------------------------------------------------------------ the HTML report


def test_html_report_summary_first_details_collapsed_and_printable():
    a = _assess(WEAK)
    page = html.render(a, _engine().profile)
    assert page.index('id="summary"') < page.index('id="strengths"') < page.index('id="areas"') < page.index('id="questions"')
    assert len(re.findall(r'<details class="question" id="q\d+">', page)) == 11  # collapsed on screen
    assert "::details-content" in page and "print-color-adjust: exact" in page and "break-before: page" in page
    assert "<script" not in page
    opened = html.render(a, _engine().profile, expand=True)
    assert len(re.findall(r'<details class="question" id="q\d+" open>', opened)) == 11
    text = re.sub(r"<[^>]+>", " ", page)
    for abbr, _ in content.glossary_for(text):
        assert f"<dt>{abbr}</dt>" in page
    assert "fingerprint" not in text.lower()


# ------------------------------------------------------------------------ rendered to pages


def _needs(tool: str) -> str:
    exe = shutil.which(tool)
    if not exe:
        pytest.skip(f"{tool} is not installed")
    return exe


def _pages(pdf: Path) -> int:
    out = subprocess.run([_needs("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def _pdf_text(pdf: Path) -> str:
    return " ".join(subprocess.run([_needs("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_printed_html_report_is_a_few_pages_with_every_detail(tmp_path):
    from qmark.render import pdf

    if "browser" not in pdf.available():
        pytest.skip("no Chromium-family browser")
    _needs("pdfinfo")
    a = _assess(STRONG)
    src = tmp_path / "report.html"
    src.write_text(html.render(a, _engine().profile), encoding="utf-8")  # collapsed, as a user has it
    out = tmp_path / "report.pdf"
    pdf._browser(src.read_text(encoding="utf-8"), out, pdf.find_browser())
    assert _pages(out) <= 8
    text = _pdf_text(out)
    c = content.build(a, _engine().profile)
    for q in c.questions:  # collapsed details are printed in full
        for e in q.shown_evidence:
            assert " ".join(e.key.split())[:50] in text
    first = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True, text=True).stdout
    assert "Summary" in first and "Strengths" not in first  # page 1 is the summary


@pytest.mark.parametrize("engine", ["browser", "libreoffice"])
def test_pdf_of_the_word_assessments_content(tmp_path, engine):
    from qmark.render import pdf

    if engine not in pdf.available():
        pytest.skip(f"no {engine} on this computer")
    c = content.build(_assess(WEAK), _engine().profile)
    out = tmp_path / "assessment.pdf"
    assert pdf.write(c, out, engine) == engine
    text = _pdf_text(out)
    assert "Areas for development" in text and "Question by question" in text
    for area in c.areas[:3]:
        assert " ".join(area.text.split())[:40] in text


def test_word_assessment_renders_with_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or pytest.skip("LibreOffice is not installed")
    _needs("pdftoppm")
    src = tmp_path / "assessment.docx"
    word.write(_assess(STRONG), src, _engine().profile)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=180)
    out = tmp_path / "assessment.pdf"
    first = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True, text=True).stdout
    assert "Summary" in first and "Supervision or peer challenge" in first and "Strengths" not in first
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "page")], check=True)
    assert next(tmp_path.glob("page*.png")).stat().st_size > 5000
