"""`qmark train`: fit a profile's learned models on a labelled corpus and write them as files.

1. The sentence model (``qmark.signals.learned``) from the corpus's labelled sentences: one head
   per label over the sentence's embedding and the cue labels that fired, each head's use chosen
   by cross-validation over writers.
2. The rating model (``qmark.assess.rating_model``) from the labelled reports, read through the
   real engine with the new sentence model, folds grouped by writer.

Fitting needs scikit-learn (``pip install 'qmark[train]'``). The files go into a folder (by
default the profile's own), named as the profile's ``files.models`` entries name them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from qmark.data import DataFileError
from qmark.engine import Engine
from qmark.evaluate.corpus import CorpusError, load_sentences
from qmark.evaluate.learned_eval import SentenceData, rating_rows, sentence_data, sentence_models
from qmark.evaluate.replay import load_and_analyse
from qmark.evaluate.run import _label_scores
from qmark.profile import Profile, load_profile
from qmark.signals import PUBLIC_LABELS
from qmark.signals.embedding import DEFAULT, get_embedder

SENTENCE_C = 1.0  # chosen on corpus/dev, leave-writer-out (README, "How accurate is it?")
RATING_C = 0.1
TRAIN_HINT = "fitting needs scikit-learn: pip install 'qmark[train]'"


def fit_sentence_model(data: SentenceData, embedder: str = DEFAULT, c: float = SENTENCE_C):  # noqa: ANN201 - SentenceModel
    from qmark.signals.learned import fit

    emb = get_embedder(embedder).embed(data.texts)
    return fit(emb, data.rules, data.gold, data.groups, PUBLIC_LABELS, embedder, c=c)


def train(folder: Path, profile: Profile, out: Path, rating_c: float = RATING_C) -> dict:
    """Fit both models on folder and write them into out; return what was measured on the way."""
    from qmark.assess.rating_model import fit as fit_ratings

    names = profile.manifest.files.models
    if "sentences" not in names or "ratings" not in names:
        raise DataFileError(f"{profile.files['profile']}: files.models must name 'sentences' and 'ratings' files to train into")
    sentences = load_sentences(folder)
    if not sentences:
        raise CorpusError(f"{folder}: no labelled sentences (*.jsonl) to fit the sentence model on")
    model = fit_sentence_model(sentence_data(sentences, profile))
    if out.resolve() != profile.folder.resolve():
        shutil.copytree(profile.folder, out, dirs_exist_ok=True)  # out becomes a whole profile
    model.save(out / names["sentences"])
    # the rating model learns from reports read with the new sentence model
    # Stacking: each report is read with a sentence model fitted without its writer, as a new
    # report will be, so the rating model does not learn from labels its sentences were fitted on.
    engine = Engine(load_profile(out), scorer="thresholds")
    by_writer, _ = sentence_models(folder, engine, False, _label_scores)
    items = load_and_analyse(folder, engine, by_writer)
    rating_model, oof = fit_ratings(rating_rows(items), rating_c, check_below=profile.thresholds.human_read_below)
    (out / names["ratings"]).write_text(rating_model.to_json(), encoding="utf-8")
    right = sum(oof[(r, q)][0] == g for r, _, q, _, g in rating_rows(items) if (r, q) in oof)  # oof: (rating, p)
    return {
        "sentences": len(sentences),
        "heads": {
            label: {"use": mode, "cues_f1": round(float(f[0]), 3), "chosen_f1": round(float(f[1]), 3)}
            for label, mode, f in zip(model.labels, model.modes, model.cv_f1)
        },
        "reports": len(items),
        "ratings_out_of_fold": right / max(len(oof), 1),
        "temperature": rating_model.notes["temperature"] if rating_model.notes else None,
    }


def main(args: argparse.Namespace) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print(f"qmark: {TRAIN_HINT}", file=sys.stderr)
        return 2
    try:
        profile = load_profile(args.profile)
        out = Path(args.out) if args.out else profile.folder
        res = train(Path(args.folder), profile, out)
    except (CorpusError, DataFileError) as exc:
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    print(f"Sentence model: {res['sentences']} labelled sentences; per label, how the head is used (F1 out of fold, cues -> chosen):")
    for label, h in res["heads"].items():
        print(f"  {label:26} {h['use']:8} {h['cues_f1']:.2f} -> {h['chosen_f1']:.2f}")
    print(
        f"Rating model: {res['reports']} reports; out-of-fold exact agreement {res['ratings_out_of_fold']:.0%}; temperature {res['temperature']:.2f}"
    )
    print(f"Models written to {out}")
    return 0
