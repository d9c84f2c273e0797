"""The data files validate, cross-check, and fail with a one-line message naming file, entry and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from qmark.data import DataFileError
from qmark.knowledge.base import load_currency_rules, load_guidance, load_knowledge_base
from qmark.profile import load_profile

PROFILE = load_profile()
QUESTION_IDS = PROFILE.question_ids


def test_knowledge_base_validates() -> None:
    kb = PROFILE.knowledge_base
    years = [e.year for e in kb.editions]
    assert years == [1999, 2006, 2010, 2013, 2015, 2018, 2023]
    assert kb.edition("wt2018").transition_until == dt.date(2019, 9, 29)
    assert kb.edition("wt2023").case_review_chapter == 5
    assert kb.edition_in_force(dt.date(2019, 9, 12)).id == "wt2018"
    assert kb.edition_in_force(dt.date(2014, 1, 1)).id == "wt2013"
    for rid in ("fischhoff1975", "brandon2020", "sidebotham2016", "dickens2022", "fish2008"):
        assert kb.entry(rid) is not None
    for mid in ("munro2011", "wood2016", "cswa2017", "care_act_2014_s44", "scotland_learning_reviews_2021"):
        assert kb.entry(mid) is not None


def test_guidance_covers_every_question_and_links_known_editions() -> None:
    g = PROFILE.guidance
    kb = PROFILE.knowledge_base
    assert [q.id for q in g.questions] == list(QUESTION_IDS)
    for q in g.questions:
        for link in q.statutory:
            assert all(kb.edition(e) for e in link.editions)
    assert g.marker.knowledge_base and g.marker.statutory_guidance and g.marker.obstacles


def test_currency_rules_validate() -> None:
    rules = PROFILE.currency
    assert rules.research.old_years >= rules.research.recent_years


def _broken_copy(tmp_path: Path, name: str, change) -> Path:
    data = yaml.safe_load((PROFILE.folder / name).read_text(encoding="utf-8"))
    change(data)
    out = tmp_path / name
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def _message(loader, path: Path) -> str:
    with pytest.raises(DataFileError) as err:
        loader(path)
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def _edition(data, ident):
    return next(e for e in data["editions"] if e["id"] == ident)


@pytest.mark.parametrize(
    "change, entry, field",
    [
        (lambda d: _edition(d, "wt2010").update(in_force_from="not a date"), "wt2010", "in_force_from"),
        (lambda d: d["research"][0].update(year="nineteen seventy-five"), "fischhoff1975", "year"),
        (lambda d: d["research"][1].update(colour="blue"), "baron_hershey1988", "colour"),
        (lambda d: d["milestones"][0].pop("title"), "laming2003", "title"),
        # cross-checks, after each entry is valid on its own
        (
            lambda d: _edition(d, "wt2013").update(in_force_from=dt.date(2009, 1, 1), published=dt.date(2009, 1, 1)),
            "wt2013",
            "in_force_from",
        ),
        (lambda d: _edition(d, "wt2015").update(in_force_until=dt.date(2018, 1, 1)), "wt2015", "in_force_until"),
        (lambda d: d["research"][2].update(tags=["hindsight", "astrology"]), "reason1990", "tags"),
    ],
)
def test_broken_knowledge_base_names_file_entry_and_field(tmp_path, change, entry, field) -> None:
    msg = _message(load_knowledge_base, _broken_copy(tmp_path, "knowledge_base.yaml", change))
    assert "knowledge_base.yaml" in msg and f"'{entry}'" in msg and field in msg


@pytest.mark.parametrize(
    "change, entry, field",
    [
        (lambda d: d["questions"][3]["statutory"][0].update(editions=["wt2017"]), "q4", "statutory.0.editions"),
        (lambda d: d["questions"][0].update(good="met"), "q1", "good"),
        (lambda d: d["questions"][5].update(reading=["nobody1999"]), "q6", "reading"),
        (lambda d: d["questions"].pop(10), "q11", "id"),
        (lambda d: d["marker"].pop("obstacles"), "marker", "obstacles"),
    ],
)
def test_broken_guidance_names_file_entry_and_field(tmp_path, change, entry, field) -> None:
    msg = _message(lambda p: load_guidance(p, PROFILE.knowledge_base, QUESTION_IDS), _broken_copy(tmp_path, "guidance.yaml", change))
    assert "guidance.yaml" in msg and f"'{entry}'" in msg and field in msg


@pytest.mark.parametrize(
    "change, entry, field",
    [
        (lambda d: d["research"].update(recent_years="soon"), "research", "recent_years"),
        (lambda d: d["research"].update(exempt_tags=["classic"]), "research", "exempt_tags"),
        (lambda d: d["guidance"].update(grace_months=-1), "guidance", "grace_months"),
    ],
)
def test_broken_currency_rules_names_file_entry_and_field(tmp_path, change, entry, field) -> None:
    msg = _message(lambda p: load_currency_rules(p, PROFILE.knowledge_base), _broken_copy(tmp_path, "currency.yaml", change))
    assert "currency.yaml" in msg and f"'{entry}'" in msg and field in msg


def test_invalid_yaml_is_a_data_file_error(tmp_path) -> None:
    bad = tmp_path / "knowledge_base.yaml"
    bad.write_text("editions: [\n", encoding="utf-8")
    assert "knowledge_base.yaml" in _message(load_knowledge_base, bad)
