"""A report's title is never its contents page's heading."""

from __future__ import annotations

from qmark.ingest import read_text


def test_a_report_that_opens_on_its_contents_page_is_not_titled_contents() -> None:
    text = (
        "# Contents\n\n1. Introduction 2\n\n2. Findings 5\n\n"
        "# Learning from Child T\n\n"
        "## 1. Introduction\n\n1.1 Child T was seen by the health visitor at home in March.\n"
    )
    assert read_text(text).title == "Learning from Child T"
    assert read_text("# Table of Contents\n\n## 1. Introduction\n\n1.1 Seen at home.\n").title != "Table of Contents"
