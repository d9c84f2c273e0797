"""Each detector on sentences that should fire, and on hard negatives that should not.
The sentences are our own, written for these tests, not taken from the development corpus."""

import pytest

from qmark.signals import label_sentence


def labels(text, role="analysis"):
    return {h.label for h in label_sentence(text, role)}


POSITIVE = [
    ("hindsight_judgement", "If the school nurse had passed on the disclosure, the assault would probably have been prevented."),
    ("hindsight_judgement", "The bruise seen in May was a missed opportunity to protect Baby R."),
    ("hindsight_judgement", "It should have been obvious to the ward staff that the infant was being harmed."),
    ("hindsight_judgement", "The duty manager ought to have convened a strategy discussion that afternoon."),
    ("hindsight_mitigation", "From the midwife's point of view, the mother's account was consistent and there was nothing to question."),
    ("hindsight_mitigation", "It is easy, knowing how events ended, to read the March visit as a warning."),
    ("hindsight_mitigation", "On the information available to the GP at that appointment, the decision was a reasonable one."),
    (
        "hindsight_mitigation",
        "The reviewers were careful to separate what practitioners knew then from what we know now, because hindsight bias makes the outcome look predictable.",
    ),
    (
        "explanation_systemic",
        "Because the two health trusts used different record systems, the school nurse could not see the earlier injuries.",
    ),
    (
        "explanation_systemic",
        "The assessment team was carrying nine vacancies, so cases were allocated to agency staff who did not know the area.",
    ),
    ("explanation_systemic", "There was no agreed route for passing concerns from adult mental health services to the health visitor."),
    ("explanation_individual", "The social worker lacked professional curiosity about the new partner."),
    ("explanation_individual", "The officer did not follow the force's domestic abuse procedure."),
    ("explanation_individual", "The nurse needed further training in recognising neglect."),
    ("generalisation", "Across the county, step-down decisions are routinely made without the family's health visitor being asked."),
    ("generalisation", "This pattern is not peculiar to this case: the same gap appears in other families with several agencies involved."),
    ("generalisation", "In 14 of the 20 cases sampled, the father was not seen at all."),
    ("research_citation", "Sidebotham et al. (2016) describe the same cumulative harm."),
    ("research_citation", "This is consistent with the research on hindsight (Fischhoff, 1975)."),
    ("research_citation", "Working Together to Safeguard Children (2018) sets out the expectations for information sharing."),
    ("method", "The lead reviewer held individual conversations with fourteen practitioners and two managers."),
    ("method", "A learning event was held in June with practitioners from six agencies."),
    ("system_knowledge_source", "A dip sample of 25 referrals by the review team showed the same pattern."),
    ("system_knowledge_source", "Health visitors at the practitioner event told us that this happens routinely when families move area."),
    ("reviewer_support", "The lead reviewer received fortnightly supervision from an accredited supervisor throughout the review."),
    ("reviewer_support", "The draft findings were read by a peer reviewer from another partnership, whose challenge changed two of them."),
    ("working_out", "There are two possible readings of the decision, and the records do not settle which is right."),
    ("working_out", "We cannot be certain whether the mother disclosed the assault at that visit."),
    ("working_out", "Some practitioners felt the threshold was applied correctly; others disagreed."),
    ("evaluation", "The paediatric assessment was thorough and well documented."),
    ("evaluation", "The decision to close the case was premature."),
    ("description", "The health visitor visited on 3 March and weighed the baby."),
    ("description", "Mother moved to a flat in the north of the town in June 2020."),
]


@pytest.mark.parametrize("label, text", POSITIVE)
def test_detector_fires(label, text):
    assert label in labels(text), f"{label} missed: {text}"


NEGATIVE = [
    # forward-looking 'should' in recommendations is not hindsight
    ("hindsight_judgement", "The partnership should ensure that bruising protocols are shared with GP practices.", "recommendations"),
    ("hindsight_judgement", "Agencies should have regard to the guidance when planning visits.", "recommendations"),
    # negation
    ("hindsight_judgement", "This was not a missed opportunity: the information was not available to anyone at that point.", "analysis"),
    ("explanation_individual", "There is no evidence that the social worker lacked professional curiosity.", "analysis"),
    # quoted speech
    ("hindsight_judgement", "Mother said the baby \u201cshould have been fed\u201d by his father that morning.", "analysis"),
    ("hindsight_judgement", "The grandmother told us, 'they should have done something sooner'.", "analysis"),
    # asking whether is reasoning, not judgement
    ("hindsight_judgement", "The panel considered whether the GP should have been told about the earlier bruise.", "analysis"),
    # years that are not citations
    ("research_citation", "In 2019 the family moved to Northfield.", "analysis"),
    ("research_citation", "Child P, aged 2, was admitted on 3 March 2020.", "analysis"),
    ("research_citation", "The case was logged under reference 2019/0456.", "analysis"),
    # the practitioners' own supervision is not the reviewer's
    ("reviewer_support", "The social worker had no supervision for eight weeks.", "analysis"),
    # training that explains nothing
    ("explanation_individual", "All staff in the team completed neglect training in 2021.", "analysis"),
    # 'at the time' as a plain date
    ("hindsight_mitigation", "At the time of the visit, the baby was asleep in his cot.", "analysis"),
]


@pytest.mark.parametrize("label, text, role", NEGATIVE)
def test_detector_holds_back(label, text, role):
    assert label not in labels(text, role), f"{label} wrongly fired: {text}"


def test_reason_names_the_words():
    hits = label_sentence("The bruise seen in May was a missed opportunity to protect Baby R.")
    h = next(h for h in hits if h.label == "hindsight_judgement")
    assert "missed opportunity" in h.reason
    assert "missed opportunity" in "The bruise seen in May was a missed opportunity to protect Baby R."[h.start : h.end]


def test_cue_file_defines_exactly_the_public_labels():
    from qmark.signals import PUBLIC_LABELS
    from qmark.signals.cues import load_cues

    assert {label.name for label in load_cues().labels if label.public} == set(PUBLIC_LABELS)


def test_a_broken_cue_file_is_refused_clearly(tmp_path):
    import yaml

    from qmark.data import DataFileError, data_path
    from qmark.signals.cues import load_cues

    raw = yaml.safe_load(data_path("cues.yaml").read_text(encoding="utf-8"))
    raw["labels"]["method"]["cues"][0]["pattern"] = "(unclosed"
    p = tmp_path / "cues.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_cues(str(p))
    assert str(p) in str(err.value) and "labels.method.cues.0.pattern" in str(err.value)
    assert "not a valid regular expression" in str(err.value)


@pytest.mark.parametrize(
    "sentence, has, lacks",
    [
        # Naming hindsight is not guarding against it (issue 10).
        ("With hindsight, the decision to close the case was clearly wrong.", "hindsight_judgement", "hindsight_mitigation"),
        ("Looking back, the home visit on 3 May was a mistake.", "hindsight_judgement", "hindsight_mitigation"),
        (
            "With hindsight it is easy to see the pattern, but at the time each bruise had an explanation.",
            "hindsight_mitigation",
            "hindsight_judgement",
        ),
    ],
)
def test_a_mention_of_hindsight_is_not_mitigation(sentence, has, lacks):
    labels = {h.label for h in label_sentence(sentence)}
    assert has in labels and lacks not in labels, labels


@pytest.mark.parametrize(
    "sentence, label",
    [
        ("These were individual failings rather than organisational ones.", "case_specific_only"),
        ("The issues identified are specific to the practitioners involved.", "case_specific_only"),
        ("No peer review of the draft was sought.", "no_reviewer_challenge"),
        ("The lead reviewer worked alone.", "no_reviewer_challenge"),
        ("The author is highly experienced, which meant that peer review was not necessary.", "no_reviewer_challenge"),
    ],
)
def test_not_met_routes_for_routine_practice_and_reviewer_challenge(sentence, label):
    """q8 and q11 can be rated not met, not only not evidenced (issue 10)."""
    labels = {h.label for h in label_sentence(sentence)}
    assert label in labels and "reviewer_support" not in labels, labels


def test_credentials_are_not_reviewer_support_but_real_supervision_is():
    assert "reviewer_support" in {
        h.label for h in label_sentence("The lead reviewer received monthly supervision from a senior associate.")
    }


@pytest.mark.parametrize(
    "sentence, lacks",
    [
        # Negation scope: a judgement the review declines to make is not made (issue 10).
        ("We have not judged whether it could have been prevented.", "hindsight_judgement"),
        ("The review does not conclude that the injury could have been prevented.", "hindsight_judgement"),
        # A job title is a role, not blame.
        ("A junior doctor saw the baby on 3 May.", "explanation_individual"),
        ("The newly qualified social worker visited on 4 June.", "explanation_individual"),
        # A system factor raised and then dismissed does not explain.
        ("Workload was raised by managers, but we do not think it explains what happened.", "explanation_systemic"),
        ("Caseloads were high, but this was not a significant factor.", "explanation_systemic"),
    ],
)
def test_negation_roles_and_dismissed_factors(sentence, lacks):
    assert lacks not in {h.label for h in label_sentence(sentence)}


@pytest.mark.parametrize(
    "sentence, has",
    [
        ("Had the GP referred Child B, the injury could have been prevented.", "hindsight_judgement"),
        ("The junior doctor lacked experience.", "explanation_individual"),
        ("Because caseloads were at forty, the worker had no time to read the history.", "explanation_systemic"),
    ],
)
def test_the_same_cues_still_fire_where_they_should(sentence, has):
    assert has in {h.label for h in label_sentence(sentence)}
