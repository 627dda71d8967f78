"""Training the matter classifier (``matter.py``) on the platform's dispatch decisions and
corrections: labels resolved per case, an honest held-out split by groups, the weights fitted, and
the accuracy reported against the rules alone."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]

from liandong.domain.errors import DomainError
from liandong.domain.responsibility import ResponsibilityList
from liandong.insight.matter import MIN_DF, RULE_SCALE, Labelled, MatterClassifier, TrainingReport, _Weights
from liandong.insight.tokens import normalise


def train(examples: Sequence[Labelled], *, matters: ResponsibilityList, seed: int,
          holdout: float = 0.2) -> tuple[MatterClassifier, TrainingReport]:
    """Learn from dispatch decisions and corrections; report accuracy on held-out groups.

    The split is honest: whole groups (near-copies: see :class:`Labelled`) go to one side, chosen
    per matter (stratified) by a generator seeded with ``seed``, so no held-out text has a twin in
    training. On the platform a group is a case with the duplicates merged into it; for simulator
    texts it is the template (matter and ``draw % templates``), since texts of one template differ
    only in place names. The returned classifier is the one evaluated, trained on the training
    side only; accuracies are against the labels with corrections applied."""
    if not 0.0 < holdout <= 0.5:
        raise DomainError("insight.bad_parameter", name="holdout", value=holdout, allowed="0 < holdout ≤ 0.5")
    rules_only = MatterClassifier.from_rules(matters)
    for i, ex in enumerate(examples):
        matters.get(ex.matter)  # matter.unknown, with the nearest codes
        if not (math.isfinite(ex.weight) and ex.weight > 0):
            raise DomainError("insight.bad_parameter", name=f"examples[{i}].weight", value=ex.weight,
                              allowed="> 0")
        rules_only._clean(ex.text, i)
    resolved, n_corrected = resolve_labels(examples)
    texts = [normalise(r.text) for r in resolved]
    labels = [r.matter for r in resolved]
    test = split_groups(labels, [r.group for r in resolved], holdout=holdout, seed=seed)
    train_rows = [i for i in range(len(resolved)) if not test[i]]
    test_rows = [i for i in range(len(resolved)) if test[i]]
    if len({labels[i] for i in train_rows}) < 2 or not test_rows:
        raise DomainError("insight.too_few_examples", examples=len(resolved),
                          matters=len(set(labels)), needed="2 matters, 2 groups in one of them")
    weights = fit_weights(rules_only, [texts[i] for i in train_rows], [labels[i] for i in train_rows],
                          np.array([resolved[i].weight for i in train_rows]), seed=seed)
    model = MatterClassifier(matters, weights)
    report = _evaluate(model, rules_only, [texts[i] for i in test_rows], [labels[i] for i in test_rows],
                       [labels[i] for i in train_rows], seed=seed, holdout=holdout, n_corrected=n_corrected)
    return MatterClassifier(matters, weights, report), report


def _evaluate(model: MatterClassifier, rules_only: MatterClassifier, texts: list[str], truth: list[str],
              trained: list[str], *, seed: int, holdout: float, n_corrected: int) -> TrainingReport:
    def hits(clf: MatterClassifier) -> tuple[list[bool], list[bool]]:
        ranked = [[s.matter for s in row] for row in clf.suggest_many(texts, k=3)]
        return ([bool(r) and r[0] == t for r, t in zip(ranked, truth, strict=True)],
                [t in r for r, t in zip(ranked, truth, strict=True)])

    top1, top3 = hits(model)
    rules1, rules3 = hits(rules_only)
    test_counts = {c: truth.count(c) for c in sorted(set(truth))}
    recall = {c: sum(h for h, t in zip(top1, truth, strict=True) if t == c) / n
              for c, n in test_counts.items()}
    return TrainingReport(
        matters_version=model.version, seed=seed, holdout=holdout, n_train=len(trained),
        n_test=len(truth), n_corrected=n_corrected, accuracy_top1=float(np.mean(top1)),
        accuracy_top3=float(np.mean(top3)), rules_accuracy_top1=float(np.mean(rules1)),
        rules_accuracy_top3=float(np.mean(rules3)),
        train_counts={c: trained.count(c) for c in sorted(set(trained))}, test_counts=test_counts,
        test_recall=recall)


@dataclass(frozen=True, slots=True)
class _Resolved:
    text: str
    matter: str
    weight: float
    group: str


def resolve_labels(examples: Sequence[Labelled]) -> tuple[list[_Resolved], int]:
    """One example per (case, text) with the case's final label: its last correction if any,
    else the label given. Also the number of cases whose label a correction changed."""
    final: dict[str, str] = {}
    for ex in examples:
        if ex.corrected:
            final[ex.case if ex.case is not None else "\x00" + ex.text] = ex.matter
    merged: dict[tuple[str, str], _Resolved] = {}
    relabelled: set[str] = set()
    for ex in examples:
        key = ex.case if ex.case is not None else "\x00" + ex.text
        matter = final.get(key, ex.matter)
        if not ex.corrected and matter != ex.matter:
            relabelled.add(key)
        before = merged.get((key, ex.text))
        group = ex.group if ex.group is not None else (before.group if before else key)
        weight = max(ex.weight, before.weight) if before else ex.weight
        merged[(key, ex.text)] = _Resolved(ex.text, matter, weight, group)
    return list(merged.values()), len(relabelled)


def split_groups(labels: Sequence[str], groups: Sequence[str], *, holdout: float,
                 seed: int) -> npt.NDArray[np.bool_]:
    """Held-out mask: per matter (a group counts under its commonest label), a seeded share of
    its groups, at least one when it has two, never all of them."""
    members: dict[str, list[str]] = {}
    for label, group in zip(labels, groups, strict=True):
        members.setdefault(group, []).append(label)
    by_matter: dict[str, list[str]] = {}
    for group in sorted(members):
        names = members[group]
        by_matter.setdefault(max(sorted(set(names)), key=names.count), []).append(group)
    rng = np.random.default_rng(seed)
    held: set[str] = set()
    for matter in sorted(by_matter):
        pool = by_matter[matter]
        if len(pool) >= 2:
            n_test = min(len(pool) - 1, max(1, round(holdout * len(pool))))
            held.update(pool[i] for i in rng.permutation(len(pool))[:n_test])
    return np.array([g in held for g in groups], dtype=np.bool_)


def fit_weights(rules_only: MatterClassifier, texts: Sequence[str], labels: Sequence[str],
                weights: npt.NDArray[np.float64], *, seed: int) -> _Weights:
    """Vocabulary, idf and a one-vs-rest logistic SGD model over TF-IDF terms and rule scores."""
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]  # training only
    from sklearn.linear_model import SGDClassifier  # type: ignore[import-untyped]

    term_sets = [set(rules_only.segmenter.terms(t)) for t in texts]
    df: dict[str, int] = {}
    for terms in term_sets:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    min_df = MIN_DF if any(n >= MIN_DF for n in df.values()) else 1
    vocabulary = tuple(sorted(t for t, n in df.items() if n >= min_df))
    counts_df = np.array([df[t] for t in vocabulary], dtype=np.float32)
    idf = (np.log((1.0 + len(texts)) / (1.0 + counts_df)) + 1.0).astype(np.float32)
    x = rules_only.tfidf(texts, {t: i for i, t in enumerate(vocabulary)}, idf)
    rules, _ = rules_only._rules(texts)
    features = hstack([x, csr_matrix(RULE_SCALE * rules)], format="csr")
    model = SGDClassifier(loss="log_loss", alpha=3e-5, max_iter=5, tol=None, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs, by choice
        model.fit(features, np.asarray(labels), sample_weight=weights)
    # Coefficients rounded to float16 here, as stored: half the bytes, the same suggestions after loading.
    coef = np.asarray(model.coef_, dtype=np.float16).astype(np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if coef.shape[0] == 1:  # two matters: sklearn keeps one row, for the second class
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    classes = tuple(str(c) for c in model.classes_)
    counts = np.array([list(labels).count(c) for c in classes], dtype=np.int64)
    return _Weights(vocabulary, idf, classes, coef, intercept, counts)
