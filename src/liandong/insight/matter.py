"""事项分类: which matter type of the responsibility list a citizen's report is about, as ranked
suggestions for the 12345 dispatcher (DESIGN §8).

Two sources, one ranking:

- rules: the ``keywords`` of each matter in ``matters.toml``; they work with no training data at
  all (cold start) and cover matters the platform has not yet seen;
- a model learned from the platform's own dispatch decisions and corrections: TF-IDF over jieba
  words and character bigrams, plus the rule score of each matter as 110 more features, fed to a
  linear classifier (SGD, logistic loss; chosen over ComplementNB, LinearSVC and
  LogisticRegression(lbfgs) for held-out accuracy at a fraction of the training time).

A matter's model probability is trusted in proportion to its training examples, n / (n + 5); the
rest of the weight goes to the rules, so a matter with few or no examples falls back on its
keywords. The model is stored without pickle (a compressed ``.npz`` of the vocabulary and the
coefficients, with the responsibility-list version and the training report inside), so that it
fits a database row and loading it runs no code.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

from liandong.domain.errors import DomainError
from liandong.domain.responsibility import ResponsibilityList
from liandong.insight.tokens import KeywordIndex, Segmenter, has_words, normalise, segmenter

FORMAT = "liandong.matter-classifier/1"
RULE_SCALE = 0.2  # rule scores as model features, against TF-IDF values of about 0.1
TRUST_EXAMPLES = 5.0  # a matter's model probability weighs n / (n + 5) against its rules
MIN_DF = 2  # a term must appear in two training texts to enter the vocabulary
_CHUNK = 4096

Source = Literal["model", "rules"]
Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One proposed matter type: its code, a confidence in 0–1, what proposed it, and the keywords
    of that matter found in the text (shown to the dispatcher as the reason)."""

    matter: str
    confidence: float
    source: Source
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Labelled:
    """A training example: a report text and the matter it was dispatched as.

    ``corrected`` marks a correction (a return and re-dispatch, or a dispatcher re-classifying):
    it overrides every other label of the same case, identified by ``case`` (by the text itself
    when no case is given). ``group`` ties near-copies (reports merged as duplicates, texts drawn
    from one template) so that they fall on the same side of the held-out split; by default the
    case (or the text) is its own group."""

    text: str
    matter: str
    weight: float = 1.0
    corrected: bool = False
    case: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class TrainingReport:
    """训练报告: what a model was trained on and how it did on held-out groups it never saw,
    side by side with the keyword rules on the same texts. Accuracies are against the labels as
    the platform holds them, corrections applied."""

    matters_version: str
    seed: int
    holdout: float
    n_train: int
    n_test: int
    n_corrected: int
    accuracy_top1: float
    accuracy_top3: float
    rules_accuracy_top1: float
    rules_accuracy_top3: float
    train_counts: dict[str, int] = field(default_factory=dict)
    test_counts: dict[str, int] = field(default_factory=dict)
    test_recall: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainingReport:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class _Weights:
    """The learned part: vocabulary, idf, and one row of coefficients per trained matter (text
    terms first, then one column per matter of the list for its rule score)."""

    terms: tuple[str, ...]
    idf: Floats
    classes: tuple[str, ...]
    coef: Floats
    intercept: Floats
    counts: npt.NDArray[np.int64]
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    by_term: Floats = field(init=False, repr=False, compare=False)  # terms × classes, contiguous
    by_rule: Floats = field(init=False, repr=False, compare=False)  # matters × classes

    def __post_init__(self) -> None:
        n = len(self.terms)
        object.__setattr__(self, "index", {t: i for i, t in enumerate(self.terms)})
        object.__setattr__(self, "by_term", np.ascontiguousarray(self.coef[:, :n].T))
        object.__setattr__(self, "by_rule", np.ascontiguousarray(self.coef[:, n:].T * RULE_SCALE))


class MatterClassifier:
    """Ranks the matter types of one responsibility list for report texts; from the rules alone
    (:meth:`from_rules`) or with a model learned by :func:`train`."""

    def __init__(self, matters: ResponsibilityList, weights: _Weights | None = None,
                 report: TrainingReport | None = None) -> None:
        self.matters = matters
        self.codes: tuple[str, ...] = tuple(sorted(matters.matters))
        self._column = {c: i for i, c in enumerate(self.codes)}
        self.keywords = KeywordIndex({c: m.keywords for c, m in matters.matters.items()})
        self.segmenter: Segmenter = segmenter(frozenset(self.keywords.owners))
        self.weights = weights
        self.report = report
        self._trust = np.zeros(len(self.codes), dtype=np.float32)
        self._class_columns = np.zeros(0, dtype=np.int64)
        if weights is not None:
            self._class_columns = np.array([self._column[c] for c in weights.classes], dtype=np.int64)
            counts = weights.counts.astype(np.float32)
            self._trust[self._class_columns] = counts / (counts + TRUST_EXAMPLES)

    @classmethod
    def from_rules(cls, matters: ResponsibilityList) -> MatterClassifier:
        """The cold-start classifier: keyword rules only."""
        return cls(matters)

    @property
    def version(self) -> str:
        return self.matters.version

    def suggest(self, text: str, k: int = 3) -> list[Suggestion]:
        """Up to ``k`` matters for one text, best first (none when nothing points anywhere)."""
        return self.suggest_many([text], k)[0]

    def suggest_many(self, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
        """:meth:`suggest` for many texts at once (vectorised: use it for batches)."""
        if k < 1:
            raise DomainError("insight.bad_parameter", name="k", value=k, allowed="≥ 1")
        out: list[list[Suggestion]] = []
        for start in range(0, len(texts), _CHUNK):
            chunk = [self._clean(t, start + i) for i, t in enumerate(texts[start:start + _CHUNK])]
            rules, found = self._rules(chunk)
            confidence, from_model = self._confidence(chunk, rules)
            top = np.argsort(-confidence, axis=1, kind="stable")[:, :k]
            for row, cols in enumerate(top):
                out.append([Suggestion(self.codes[c], float(confidence[row, c]),
                                       "model" if from_model[row, c] else "rules",
                                       tuple(found[row].get(self.codes[c], ())))
                            for c in cols if confidence[row, c] > 0])
        return out

    def _clean(self, text: str, index: int) -> str:
        norm = normalise(text)
        if not has_words(norm):
            raise DomainError("insight.empty_text", index=index)
        return norm

    def _rules(self, texts: Sequence[str]) -> tuple[Floats, list[dict[str, list[str]]]]:
        """Rule scores (texts × matters of the list) and the keywords found per matter."""
        scores = np.zeros((len(texts), len(self.codes)), dtype=np.float32)
        found = []
        for row, text in enumerate(texts):
            score, words = self.keywords.scores(text)
            for code, value in score.items():
                scores[row, self._column[code]] = value
            found.append(words)
        return scores, found

    def _confidence(self, texts: Sequence[str], rules: Floats) -> tuple[Floats, npt.NDArray[np.bool_]]:
        """Blended confidence per matter, and whether the model outweighs the rules in it."""
        by_rules = rules / (rules.sum(axis=1, keepdims=True) + 1.0)
        if self.weights is None:
            return by_rules, np.zeros(rules.shape, dtype=np.bool_)
        by_model = np.zeros_like(rules)
        by_model[:, self._class_columns] = self._probabilities(texts, rules)
        model_part = self._trust * by_model
        blended = model_part + (1.0 - self._trust) * by_rules
        blended /= np.maximum(blended.sum(axis=1, keepdims=True), np.float32(1e-12))
        return blended, model_part >= (1.0 - self._trust) * by_rules

    def _probabilities(self, texts: Sequence[str], rules: Floats) -> Floats:
        """One-vs-rest logistic probabilities of the trained matters, normalised per text."""
        w = self.weights
        assert w is not None
        logits = self.tfidf(texts, w.index, w.idf) @ w.by_term + rules @ w.by_rule + w.intercept
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))
        p /= np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
        return np.asarray(p, dtype=np.float32)

    def tfidf(self, texts: Sequence[str], index: Mapping[str, int], idf: Floats) -> Any:
        """Sublinear TF × IDF rows, L2-normalised, over a fixed vocabulary (a CSR matrix)."""
        indptr, columns, counts = [0], list[int](), list[int]()
        for text in texts:
            row: dict[int, int] = {}
            for term in self.segmenter.terms(text):
                j = index.get(term)
                if j is not None:
                    row[j] = row.get(j, 0) + 1
            columns.extend(row)
            counts.extend(row.values())
            indptr.append(len(columns))
        cols = np.asarray(columns, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * idf[cols]
        matrix = csr_matrix((values, cols, np.asarray(indptr)), shape=(len(texts), len(idf)),
                            dtype=np.float32)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix.data /= np.repeat(np.maximum(norms, 1e-12), np.diff(matrix.indptr)).astype(np.float32)
        return matrix

    def to_bytes(self) -> bytes:
        """The trained model as a compressed ``.npz`` (no pickle): store it in a database row."""
        w = self.weights
        if w is None:
            raise DomainError("insight.bad_model", problem="rules only: nothing learned to store")
        meta = {"format": FORMAT, "matters_version": self.version, "codes": list(self.codes),
                "report": self.report.to_json() if self.report else None}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.array(json.dumps(meta, ensure_ascii=False)),
                            terms=np.array(w.terms, dtype=np.str_), idf=w.idf,
                            classes=np.array(w.classes, dtype=np.str_), coef=w.coef.astype(np.float16),
                            intercept=w.intercept, counts=w.counts)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, matters: ResponsibilityList) -> MatterClassifier:
        """A stored model, refused unless it was trained on this version of the responsibility list."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            meta = json.loads(str(arrays["meta"]))
            fmt = meta.get("format")
            weights = _Weights(tuple(arrays["terms"].tolist()), arrays["idf"].astype(np.float32),
                               tuple(arrays["classes"].tolist()), arrays["coef"].astype(np.float32),
                               arrays["intercept"].astype(np.float32),
                               arrays["counts"].astype(np.int64))
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise DomainError("insight.bad_model", problem=str(exc) or type(exc).__name__) from None
        if fmt != FORMAT:
            raise DomainError("insight.bad_model", problem=f"format {fmt!r}, expected {FORMAT!r}")
        if meta.get("matters_version") != matters.version or meta.get("codes") != sorted(matters.matters):
            raise DomainError("insight.model_version", model=meta.get("matters_version"),
                              current=matters.version)
        n_terms, n_classes = len(weights.terms), len(weights.classes)
        if (weights.coef.shape != (n_classes, n_terms + len(matters)) or weights.idf.shape != (n_terms,)
                or weights.intercept.shape != (n_classes,) or weights.counts.shape != (n_classes,)
                or not set(weights.classes) <= set(matters.matters)):
            raise DomainError("insight.bad_model", problem="arrays of inconsistent shapes or matters")
        report = TrainingReport.from_json(meta["report"]) if meta.get("report") else None
        return cls(matters, weights, report)
