"""The cue lists (data/cues.yaml), validated and compiled once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.report import ROLES


@lru_cache(maxsize=2048)
def _compiled(p: str) -> re.Pattern[str]:
    # Compiling the long cue alternations is most of the cost of loading the cue lists: each
    # pattern is compiled once, by validation, and load_cues takes the same object from here.
    return re.compile(p)


def _check_regex(v: str | None, case_sensitive: bool = False) -> str | None:
    """Validate a pattern by compiling the form that is matched (lower-cased unless case-sensitive)."""
    if v is not None:
        try:
            _compiled(v if case_sensitive else lower_pattern(v))
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
    return v


def _check_roles(v: list[str]) -> list[str]:
    bad = [r for r in v if r not in ROLES]
    if bad:
        raise ValueError(f"unknown section role(s) {bad}; known: {', '.join(ROLES)}")
    return v


class CueSpec(BaseModel, extra="forbid"):
    case_sensitive: bool = False  # first: the pattern's validator needs it
    pattern: str
    weight: float = Field(1.0, ge=0, le=5)
    reason: str
    negatable: bool = False
    requires: str | None = None
    unless: str | None = None
    roles_off: list[str] = []
    roles_only: list[str] = []

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str, info: ValidationInfo) -> str:
        return _check_regex(v, bool(info.data.get("case_sensitive", False))) or v

    @field_validator("requires", "unless")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return _check_regex(v)

    @field_validator("roles_off", "roles_only")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return _check_roles(v)


class LabelSpec(BaseModel, extra="forbid"):
    public: bool = True
    threshold: float = Field(1.0, gt=0)
    unless_labels: list[str] = []
    cues: list[CueSpec] = Field(min_length=1)


class CueFile(BaseModel, extra="forbid"):
    # A profile's extra cue file may leave out negation: the shared file's applies.
    negation: str | None = None
    labels: dict[str, LabelSpec]

    @field_validator("negation")
    @classmethod
    def _neg(cls, v: str | None) -> str | None:
        return _check_regex(v)


# Ways, each of groups, each of literal strings: see anchors().
Anchors = tuple[tuple[tuple[str, ...], ...], ...]


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    case_sensitive: bool
    anchors: Anchors | None  # what a match must contain (see anchors()); None: no prefilter
    weight: float
    reason: str
    negatable: bool
    requires: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    roles_off: frozenset[str]
    roles_only: frozenset[str]


@dataclass(frozen=True)
class Label:
    name: str
    public: bool
    threshold: float
    unless_labels: tuple[str, ...]
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class CueSet:
    negation: re.Pattern[str]
    labels: tuple[Label, ...]

    @cached_property
    def cues(self) -> tuple[Cue, ...]:
        """Every cue of every label, in label order: a cue's place here is its number."""
        return tuple(c for label in self.labels for c in label.cues)

    @cached_property
    def label_of(self) -> tuple[int, ...]:
        """For each cue (by number), the index of its label in labels."""
        return tuple(i for i, label in enumerate(self.labels) for _ in label.cues)

    def candidates(self, text: str, low: str) -> set[int]:
        """The numbers of the cues that can match this sentence: those without anchors, and those
        for which, in one of their ways, the sentence holds an anchor from every group. One
        Aho-Corasick pass finds every anchor of every cue at once, instead of testing 1,400
        strings one by one."""
        lower, exact, group_way, need, way_cue, free = self._automata
        groups: set[int] = set()
        if lower is not None:
            for _, ids in lower.iter(low):
                groups.update(ids)
        if exact is not None:
            for _, ids in exact.iter(text):
                groups.update(ids)
        seen: dict[int, int] = {}
        for g in groups:
            w = group_way[g]
            seen[w] = seen.get(w, 0) + 1
        found = set(free)
        found.update(way_cue[w] for w, n in seen.items() if n == need[w])
        return found

    @cached_property
    def _automata(self) -> tuple[Any, Any, list[int], list[int], list[int], tuple[int, ...]]:
        import ahocorasick

        # Every group of every way of every cue gets a number; an anchor lists the groups it fills.
        by_anchor: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
        group_way: list[int] = []
        need: list[int] = []  # per way: how many groups
        way_cue: list[int] = []
        free: list[int] = []
        for k, cue in enumerate(self.cues):
            if cue.anchors is None:
                free.append(k)
                continue
            for way in cue.anchors:
                w = len(need)
                need.append(len(way))
                way_cue.append(k)
                for group in way:
                    g = len(group_way)
                    group_way.append(w)
                    for a in group:
                        by_anchor[cue.case_sensitive].setdefault(a, set()).add(g)
        built: list[Any] = []
        for table in by_anchor:
            if not table:
                built.append(None)
                continue
            auto = ahocorasick.Automaton()
            for a, ids in table.items():
                auto.add_word(a, tuple(sorted(ids)))
            auto.make_automaton()
            built.append(auto)
        return built[0], built[1], group_way, need, way_cue, tuple(free)


_ESCAPED_OR_LETTER = re.compile(r"\\.|[A-Z]")


def lower_pattern(p: str) -> str:
    """A pattern for lower-cased text: letters lower-cased, escapes (\\W, \\S, \\b...) kept.

    Matching lower-cased text without re.IGNORECASE lets the regex engine skip ahead on the
    first character, several times faster on the long alternations cue lists are made of.
    """
    return _ESCAPED_OR_LETTER.sub(lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(), p)


def lower_text(text: str) -> str:
    """Lower case that keeps every offset: characters whose lower case is longer stay as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def anchors(pattern: str) -> Anchors | None:
    """What every match of the pattern must contain, as literal strings: one or more ways (the
    branches of an alternation), each a list of groups; a match along a way contains one string
    from each of its groups. '(reflects|mirrors) the (national|wider)' is one way of three
    groups; 'a b|c d' is two ways.

    Found from the parsed pattern; None when some way has no useful group. A sentence that
    satisfies no way cannot match, so looking for the strings first (all cues' at once, see
    CueSet.candidates) is exact and much cheaper than running every regex.
    """
    try:
        import re._parser as sre  # type: ignore[import-not-found]

        parsed = sre.parse(pattern)
    except Exception:  # an internal module: without it, simply no prefilter
        return None
    ways = []
    for way in _ways(parsed, sre):
        groups = sorted({tuple(sorted(g)) for g in way if _useful(g)})
        if not groups:
            return None
        ways.append(tuple(groups))
    return tuple(sorted(set(ways)))


def cached_anchors(patterns: Sequence[str]) -> list[Anchors | None]:
    """anchors() of each pattern, kept between runs in the user's cache folder (QMARK_CACHE_DIR
    sets another, 'off' none): working them out takes about 0.1 s, a sixth of start-up. The key
    is the patterns and this module's own source, so a changed cue or a changed anchors() never
    reads an old answer; a cache that cannot be read or written is simply not used."""
    import hashlib
    import json
    import os

    try:
        code = Path(__file__).read_bytes()
    except OSError:  # running from an archive: no source to key on, so no cache
        return [anchors(p) for p in patterns]
    key = hashlib.sha256(code + "\0".join(patterns).encode()).hexdigest()[:32]
    folder = _cache_folder()
    file = folder / f"anchors-{key}.json" if folder is not None else None
    if file is not None and file.is_file():
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(data, list) and len(data) == len(patterns):
                return [None if a is None else tuple(tuple(tuple(str(x) for x in g) for g in w) for w in a) for a in data]
        except (OSError, ValueError, TypeError):
            pass  # unreadable or damaged: worked out again and written anew below
    found = [anchors(p) for p in patterns]
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            part = file.with_name(f"{file.name}.{os.getpid()}.part")
            part.write_text(json.dumps(found), encoding="utf-8")
            os.replace(part, file)  # whole or not at all, whoever else is writing it
        except OSError:
            pass
    return found


def _cache_folder() -> Path | None:
    import os

    chosen = os.environ.get("QMARK_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("qmark", appauthor=False))
    except Exception:  # noqa: BLE001 - no cache is always acceptable
        return None


_MAX_WAYS = 32
_Way = list[set[str]]


def _useful(group: set[str]) -> bool:
    # Three characters or more, or rare punctuation ('%', '['): a space or a comma rules nothing
    # out, and ' the ' is in nearly every sentence, so looking for it costs more than it saves.
    return (
        bool(group)
        and all(len(a) >= 3 or not any(ch.isalnum() or ch in " .,;:'\"-()" for ch in a) for a in group)
        and not all(a.strip() in _COMMON for a in group)
    )


def _best(way: _Way) -> set[str] | None:
    # Prefer literals that rule sentences out: a set holding ' for ' or 'have ' matches nearly
    # every sentence, so a longer-but-rarer set is the better filter.
    return max(way, key=lambda o: (_useful(o), not any(x.strip() in _COMMON for x in o), min(len(x) for x in o), -len(o)), default=None)


def _either(alternatives: list[list[_Way]]) -> list[_Way]:
    """The ways of an alternation, from the ways of each alternative."""
    ways = [w for alt in alternatives for w in alt]
    if any(not w for w in ways):
        return [[]]  # one alternative requires nothing, so neither does the alternation
    if all(len(w) == 1 for w in ways):
        return [[set().union(*(w[0] for w in ways))]]  # 'cut|halved|withdrawn': one group
    return ways if len(ways) <= _MAX_WAYS else _collapse(ways)


def _collapse(ways: list[_Way]) -> list[_Way]:
    """Too many ways to track: one group made of each way's best group (still necessary)."""
    best = [_best(w) for w in ways]
    return [[set().union(*best)]] if all(best) else [[]]  # type: ignore[arg-type]


def _ways(seq, sre) -> list[_Way]:  # type: ignore[no-untyped-def]
    """For a sequence of regex items: the ways a match can satisfy, each a list of groups.

    Consecutive items that can only match fixed strings ('(other|another) (views?|accounts?)')
    make one group of every string they can match together: 'other view', 'another accounts'...
    which rules out far more sentences than 'other' and 'view' found anywhere in them."""
    ways: list[_Way] = [[]]
    run: set[str] = {""}  # every text the fixed items so far can match, together

    def then(sub: list[_Way]) -> list[_Way]:
        out = [w + s for w in ways for s in sub]
        return out if len(out) <= _MAX_WAYS else _collapse(out)

    def close() -> None:
        nonlocal ways, run
        if "" not in run:  # a run that can match nothing says nothing
            ways = [w + [set(run)] for w in ways]
        run = {""}

    for op, av in seq:
        fixed = _fixed([(op, av)], sre)
        if fixed is not None:
            joined = {a + b for a in run for b in fixed}
            if len(joined) <= _MAX_FIXED:
                run = joined
                continue
            close()
            run = fixed
            continue
        close()
        if op is sre.SUBPATTERN:
            ways = then(_ways(av[-1], sre))
        elif op is sre.BRANCH:
            ways = then(_either([_ways(b, sre) for b in av[1]]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            ways = then(_ways(av[2], sre))
    close()
    return ways


_MAX_FIXED = 256  # strings in one group of fixed texts


def _fixed(seq, sre) -> set[str] | None:  # type: ignore[no-untyped-def]
    """Every text a sequence of regex items can match, when they are few and fixed ('s?' gives
    '' and 's'; '\\b' gives ''); None otherwise."""
    texts = {""}
    item: set[str] | None
    for op, av in seq:
        if op is sre.LITERAL:
            item = {chr(av)}
        elif op is sre.AT:
            item = {""}  # a zero-width test: it adds no text
        elif op is sre.SUBPATTERN:
            if av[1] or av[2]:
                return None  # inline flags
            item = _fixed(av[-1], sre)
        elif op is sre.BRANCH:
            parts = [_fixed(b, sre) for b in av[1]]
            item = None if any(p is None for p in parts) else set().union(*(p for p in parts if p is not None))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] <= 1:
            inner = _fixed(av[2], sre)
            item = None if inner is None else (inner | {""} if av[0] == 0 else inner)
        elif op is sre.IN and 0 < len(av) <= 4 and all(o is sre.LITERAL for o, _ in av):
            item = {chr(c) for _, c in av}
        else:
            return None
        if item is None:
            return None
        texts = {a + b for a in texts for b in item}
        if len(texts) > _MAX_FIXED:
            return None
    return texts


_COMMON = frozenset(
    """a an the of to in on at for by with from as and or but not no is are was were be been
    have has had that this it its they their there which who what when would could should will may
    can did do does""".split()
)


def _compile(p: str | None, case_sensitive: bool = False) -> re.Pattern[str] | None:  # noqa: D103
    if p is None:
        return None
    return _compiled(p) if case_sensitive else _compiled(lower_pattern(p))


def merge_cues(base: CueSet, extra: CueSet) -> CueSet:
    """The base cue lists plus a profile's own labels (a label of the same name replaces the base one)."""
    names = {label.name for label in extra.labels}
    return CueSet(base.negation, tuple(lab for lab in base.labels if lab.name not in names) + extra.labels)


def _pattern(p: str, case_sensitive: bool = False) -> re.Pattern[str]:
    compiled = _compile(p, case_sensitive)
    assert compiled is not None
    return compiled


@lru_cache(maxsize=8)
def load_cues(path: str | None = None) -> CueSet:
    file = Path(path) if path else data_path("cues.yaml")
    try:
        spec = CueFile.model_validate(load_yaml(file))
    except ValidationError as exc:
        raise DataFileError(validation_message(file, exc)) from None
    names = list(spec.labels)
    # The whole file's anchors in one go: one cache file per cue file, not one per label.
    found = iter(
        cached_anchors([c.pattern if c.case_sensitive else lower_pattern(c.pattern) for ls in spec.labels.values() for c in ls.cues])
    )
    labels = []
    for name, ls in spec.labels.items():
        for other in ls.unless_labels:
            if other not in names or names.index(other) >= names.index(name):
                raise DataFileError(f"{file}: field 'labels.{name}.unless_labels': '{other}' must be a label defined above '{name}'")
        cues = tuple(
            Cue(
                _pattern(c.pattern, c.case_sensitive),
                c.case_sensitive,
                next(found),
                c.weight,
                c.reason,
                c.negatable,
                _compile(c.requires),
                _compile(c.unless),
                frozenset(c.roles_off),
                frozenset(c.roles_only),
            )
            for c in ls.cues
        )
        labels.append(Label(name, ls.public, ls.threshold, tuple(ls.unless_labels), cues))
    if spec.negation is None and path is None:
        raise DataFileError(f"{file}: field 'negation': required in the shared cue file")
    return CueSet(_pattern(spec.negation or r"(?!x)x"), tuple(labels))
