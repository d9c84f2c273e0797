"""HTML reports end to end."""

from __future__ import annotations

from qmark.ingest import read_report

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Child Safeguarding Practice Review: Child S</title>
<style>p { color: black; }</style><script>var tracking = "Page 1 of 9";</script></head>
<body>
<header><a href="/">Kestrel Vale Partnership home</a></header>
<nav><ul><li>Home</li><li>Reviews</li></ul></nav>
<main><article>
<header><h1>Child Safeguarding Practice Review: Child S</h1></header>
<h2>1. Introduction</h2>
<p>1.1 The partnership commissioned this review after Child S was seriously injured.</p>
<h2>4. Analysis</h2>
<p>4.12 The health visitor visited the family at home<br>and weighed the baby.</p>
<p>4.13 Working Together<sup id="fnref:1"><a href="#fn:1">1</a></sup> sets out what was expected.</p>
<h3>Health visiting</h3>
<ol start="23">
  <li>Mother told the GP that she was struggling.</li>
  <li>The GP referred her to the perinatal team.
    <ul><li>a nested point about the referral</li></ul>
  </li>
</ol>
<ol><li>4.14 The text carries its own number.</li></ol>
<table>
  <thead><tr><th>Date</th><th>Agency</th><th>Event</th></tr></thead>
  <tbody><tr><td>3 March 2021</td><td>Health visiting</td><td>Home visit</td></tr></tbody>
</table>
<div hidden>Hidden draft note</div>
<div class="footnotes"><ol><li id="fn:1"><p>Working Together to Safeguard Children (2018).
<a href="#fnref:1">&#8617;</a></p></li></ol></div>
</article></main>
<footer>Contact us | Page 1 of 1</footer>
</body></html>
"""


def test_html_report(tmp_path):
    path = tmp_path / "review.html"
    path.write_text(PAGE, encoding="utf-8")
    report = read_report(path)
    texts = [report.paragraph_text(p) for p in report.paragraphs]
    assert report.title == "Child Safeguarding Practice Review: Child S"
    assert "Kestrel Vale Partnership home" not in report.text
    assert "Reviews" not in report.text and "tracking" not in report.text
    assert "Contact us" not in report.text and "Hidden draft note" not in report.text

    numbers = {p.number: p for p in report.paragraphs if p.number}
    assert numbers["4.12"].role == "analysis"
    assert report.paragraph_text(numbers["4.12"]) == ("4.12 The health visitor visited the family at home and weighed the baby.")
    assert "4.13 Working Together[1] sets out what was expected." in texts
    # ordered list numbers as the browser shows them
    assert report.paragraph_text(numbers["23"]) == "Mother told the GP that she was struggling."
    assert report.paragraph_text(numbers["24"]) == "The GP referred her to the perinatal team."
    assert "a nested point about the referral" in texts
    assert "4.14" in numbers
    assert "Date | Agency | Event" in texts and "3 March 2021 | Health visiting | Home visit" in texts
    assert "[1] Working Together to Safeguard Children (2018)." in texts
    kinds = {report.paragraph_text(p): p.kind for p in report.paragraphs}
    assert kinds["Child Safeguarding Practice Review: Child S"] == "heading"
    assert kinds["[1] Working Together to Safeguard Children (2018)."] == "footnote"
    assert kinds["Health visiting"] == "heading"
    assert numbers["23"].role == "analysis"
