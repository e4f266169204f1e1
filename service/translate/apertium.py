"""Offline rule-based MT: Italian -> Spanish -> English with the Debian apertium packages.

No model weights: `apt-get install apertium apertium-spa-ita apertium-eng-spa cg3`. The whole
sentence list goes through one apertium process per direction (the two directions run as one
shell pipe), in apertium's own stream format: each sentence ends with an inserted period and a
numbered superblank `[<s17>]`, which apertium copies through untouched, so the output splits
back into exactly one English string per input sentence (checked; see `_split`).

Before translating, `protect` swaps in placeholders (unknown words apertium copies verbatim):
- glossary terms (prompts/glossary.tsv, the user's `--glossary`), whose English side goes back;
- proper names: runs of capitalised words that look like names to the dictionaries of the pair
  (unknown to the Italian analyser, or a given name to either analyser; not a place name the
  pivot translates, not a common word such as "Segretario" or "Stato"), so "Marco Rubio" stays
  "Marco Rubio" instead of becoming "Mark Blond";
- numbers apertium damages ("5%" loses its sign, "1,2" keeps the Italian decimal comma).
A sentence whose placeholders do not all come back exactly once is translated again unprotected.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import EngineUnavailable
from ..numbers import italian_forms
from . import Progress
from .glossary import Entry, Glossary, place
from .lexicon import Lexicon

INSTALL_HINT = "apt-get install apertium apertium-spa-ita apertium-eng-spa cg3"
BINARY_ENV = "BRIEFS_APERTIUM"  # the apertium command to run (default: `apertium` on PATH)
PIVOTS: dict[str, tuple[str, ...]] = {"it": ("ita-spa", "spa-eng")}
# A second route, used when installed (apt-get install apertium-cat-ita apertium-eng-cat): each
# sentence goes both ways and the output with fewer unknown words wins (the first on a tie).
SECOND_PIVOTS: dict[str, tuple[str, ...]] = {"it": ("ita-cat", "cat-eng")}

# Italian words the Spanish pivot makes ambiguous: "domani" -> "mañana" (tomorrow or morning, and
# spa-eng picks "morning"), "ospitare" -> "albergar" ("lodge", not "host"). Protected like glossary terms.
PIVOT_LOSSES = {
    "domani": "tomorrow", "ospiterà": "will host", "ospiteranno": "will host", "ospita": "hosts", "ospitano": "host",
    "ospitato": "hosted", "ospitata": "hosted", "ospitati": "hosted", "ospitate": "hosted", "ospitare": "host",
    "ospitava": "hosted", "ospitavano": "hosted", "ospiterebbe": "would host",
    # "titolare" -> "titular", which spa-eng keeps: "il titolare della Farnesina" is its head
    "titolare": "head", "titolari": "heads",
    # Spanish words of the pivot spa-eng lacks: "affidabilità" -> "confiabilidad", "da tempo" -> "de antaño"
    "affidabilità": "reliability", "da tempo": "for a long time",
}
_LOSSES = re.compile(r"(?<!\w)(?:" + "|".join(sorted(PIVOT_LOSSES, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"Zqj([a-z]{2})")
_SEPARATOR = re.compile(r"(?:\.\[\])?\[<s(\d+)>\]")
_ESCAPE = re.compile(r"([\\\[\]^$/@<>{}])")
# Words, initials ("J.D."), numbers with a decimal comma, thousands dots or a percent sign.
_TOKEN = re.compile(
    r"(?P<initials>(?:[A-Z]\.){1,3})(?=\s+[A-Z])"
    r"|(?P<number>\d+(?:[.,]\d+)+%?|\d+%)"
    r"|(?P<word>[^\W\d_]\w*(?:-\w+)*)"
)
_PARTICLES = frozenset("van von der den du dos ter bin ibn".split())  # inside names: "Ursula von der Leyen"
_OPENING = re.compile(r"^[\W_]*$")  # only punctuation/quotes before a token: it opens the sentence
_PLACEHOLDER_MARKS = re.compile(r"[*#@]+(?=Zqj[a-z]{2})")
# A word apertium marked: "**" unknown Italian copied through both steps, "*" Spanish the second
# step does not know, "@" a lemma missing from a bilingual dictionary, "#" a form it cannot generate.
_UNKNOWN = re.compile(r"(?<![\w\\*#@])([*#@]+)([^\W\d_]+(?:['’][^\W\d_]+)?)(?![\w'’])")
_ISO = {"ita": "it", "spa": "es", "cat": "ca", "eng": "en"}


def _mark_language(marks: str, route: tuple[str, ...]) -> str | None:
    """The language of a word apertium marked on `route`: "**" (or "*@") a source word both steps
    copied, "*" or "@" a word of the pivot language the second step lacks; "#" none (a form the
    generator could not make: only the mark goes)."""
    if marks.startswith("**") or marks.startswith("*@"):
        return _ISO.get(route[0].split("-")[0])
    if marks in ("*", "@"):
        return _ISO.get(route[0].split("-")[1])
    return None


def _unknowns(text: str) -> int:
    """Words a route left unknown; capitalised ones are names either route copies, not counted."""
    return sum(1 for m in _UNKNOWN.finditer(text) if m.group(1) != "#" and not m.group(2)[:1].isupper())
_MARKS = re.compile(r"(?<![\w\\])[*#@]+(?=\w)")


class ApertiumTranslator:
    languages = tuple(PIVOTS)
    family = "offline"  # the engine registry (service/engines.py)

    @classmethod
    def unsupported(cls, config, language: str) -> str | None:
        if language not in cls.languages:
            return f"the offline engine translates only {', '.join(cls.languages)}"
        return None

    @classmethod
    def from_config(cls, config, language: str, glossary: Glossary | None = None) -> "ApertiumTranslator":
        return cls(language, glossary=glossary)

    def output_key(self) -> str:
        second = "-".join([self.second[0].split("-")[0]] + [d.split("-")[1] for d in self.second]) if self.second else None
        return f"{self.name}|protect_names={self.protect_names}|lexicon={self.lexicon is not None}|second={second}|per-sentence"

    def __init__(
        self,
        language: str = "it",
        *,
        glossary: Glossary | None = None,
        protect_names: bool = True,
        lexicon: bool = True,
        second_pivot: bool = False,
        binary: str | None = None,
    ):
        if language not in PIVOTS:
            raise EngineUnavailable(f"apertium: no pivot to English for '{language}' (supported: {', '.join(PIVOTS)})")
        self.language = language
        self.directions = PIVOTS[language]
        self.name = "apertium:" + "-".join([self.directions[0].split("-")[0]] + [d.split("-")[1] for d in self.directions])
        self.glossary = Glossary.default() if glossary is None else glossary
        self.protect_names = protect_names
        command = binary or os.environ.get(BINARY_ENV) or "apertium"
        found = shutil.which(command)
        if not found:
            raise EngineUnavailable(f"offline translator unavailable: '{command}' not found", f"install it with `{INSTALL_HINT}`")
        self.binary = found
        listed = self._check_modes()
        second = SECOND_PIVOTS.get(language)
        self.second = second if second_pivot and second and all(d in listed for d in second) else None
        self.lexicon = Lexicon(self.binary, modes=listed) if lexicon else None
        self._analysers = [_Analyser.for_mode(self._mode_file(d)) for d in self.directions]

    # ---- public ---------------------------------------------------------------------------------
    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        """Each sentence on its own: what comes out for one sentence never depends on the others
        translated with it (protection, the second pivot and the lexicon decide per sentence or per
        word), so a document reads the same in any batch."""
        if not sentences:
            return []
        texts = [" ".join(s.split()) for s in sentences]
        if self.lexicon is not None:
            # words the pivot will leave unknown, Italian or Spanish: most texts have some of both
            self.lexicon.prestart([self.language, "es"])
        plans = self.protect(texts)
        routes = [self.directions] + ([self.second] if self.second else [])
        if len(routes) > 1:
            with ThreadPoolExecutor(len(routes)) as pool:
                raws = list(pool.map(lambda d: self._pivot([p.text for p in plans], d), routes))
        else:
            raws = [self._pivot([p.text for p in plans], routes[0])]
        if progress:
            progress(len(texts) // 2, len(texts))
        outs = [self._restore(plans, texts, raw, route) for raw, route in zip(raws, routes)]
        filled = self._fill([o for out in outs for o in out], [r for r, out in zip(routes, outs) for _ in out])
        per_route = [filled[k * len(texts) : (k + 1) * len(texts)] for k in range(len(routes))]
        english = []
        for k, text in enumerate(texts):
            # the route that left fewer words unknown; the first (ita-spa-eng) on a tie
            best = min(range(len(routes)), key=lambda r: (_unknowns(per_route[r][k]), r))
            english.append(_clean(per_route[best][k], text) if text else "")
        if progress:
            progress(len(texts), len(texts))
        return english

    def _restore(self, plans: list["_Plan"], texts: list[str], raw: list[str], route: tuple[str, ...]) -> list[str]:
        """Placeholders of `raw` (one route's output) back to their English; a sentence whose
        placeholders did not all come back exactly once is translated again unprotected."""
        out: list[str | None] = [p.restore(_PLACEHOLDER_MARKS.sub("", r)) for p, r in zip(plans, raw)]
        retry = [k for k, o in enumerate(out) if o is None]
        if retry:
            for k, r in zip(retry, self._pivot([texts[k] for k in retry], route)):
                out[k] = self.glossary.apply(r)
        return [o or "" for o in out]

    def protect(self, texts: list[str]) -> list["_Plan"]:
        """For each text, what apertium gets (placeholders in) and what each placeholder stands for.
        Each text is decided on its own (the analysers run once for all of them, word by word): a
        name found inside a sentence is also protected where it opens the same sentence, and a
        lone unknown capitalised word opening a sentence is a name unless the lexicon knows it as
        a common word ("Ostaggi liberati")."""
        found = []  # per text: glossary/number spans, candidate name spans
        for text in texts:
            spans: list[tuple[int, int, Entry]] = list(self.glossary.find(text))
            spans += [(m.start(), m.end(), Entry(m.group(), _case_like(PIVOT_LOSSES[m.group().lower()], m.group())))
                      for m in _LOSSES.finditer(text) if all(m.end() <= a or m.start() >= b for a, b, _ in spans)]
            spans += [(s, e, Entry(text[s:e], english)) for s, e, english in italian_forms(text)
                      if all(e <= a or s >= b for a, b, _ in spans)]  # "15mila" -> "15,000", "3 feb." -> "3 February"
            taken = [(s, e) for s, e, _ in spans]
            tokens = [m for m in _TOKEN.finditer(text) if all(m.end() <= a or m.start() >= b for a, b in taken)]
            spans += [(m.start(), m.end(), Entry(m.group(), _english_number(m.group()))) for m in tokens if m.lastgroup == "number"]
            found.append((text, spans, tokens))
        names: list[list[tuple[int, int, int | None]]] = [[] for _ in texts]
        kinds: dict[str, set[str]] = {}
        if self.protect_names:
            kinds = self._kinds({m.group() for _, _, tokens in found for m in tokens if m.lastgroup != "number" and m.group()[0].isupper()})
            names = [_name_spans(text, tokens, kinds) for text, _, tokens in found]
        lone = {text[s:e] for (text, _, _), spans in zip(found, names) for s, e, fallback in spans
                if fallback == e and " " not in text[s:e] and "unknown" in kinds.get(text[s:e], ())}
        common = set()
        if lone and self.lexicon is not None:
            known = self.lexicon.english([(self.language, w.lower()) for w in sorted(lone)])
            common = {w for w in lone if known.get((self.language, w.lower()))}
        single = sorted({text[s:e] for (text, _, _), spans in zip(found, names) for s, e, _ in spans if " " not in text[s:e]})
        places = self.lexicon.places(self.language, single) if self.lexicon is not None and single else {}
        plans = []
        for (text, spans, _), candidates in zip(found, names):
            sure = {text[s:e] for s, e, fallback in candidates if fallback is None}
            sure |= {word for name in sure for word in name.split()}  # "Rubio" after "Marco Rubio"
            for s, e, fallback in candidates:
                name = text[s:e]
                if fallback is not None and name not in sure and not (name in lone and name not in common):
                    s = fallback
                if s < e:
                    name = text[s:e]
                    spans.append((s, e, Entry.parse(name, places[name]) if name in places else Entry(name, name)))
            plans.append(_Plan.build(text, spans))
        return plans

    def _fill(self, texts: list[str], routes: list[tuple[str, ...]]) -> list[str]:
        """Words the pivot marked unknown ("**ostaggi": Italian the ita-spa analyser lacks;
        "*travesía": Spanish the spa-eng pair lacks) replaced by the lexicon's English, one word at
        a time; a word it does not know stays as written (its mark goes in `_clean`)."""
        if self.lexicon is None:
            return texts
        marked = [[(m, _mark_language(m.group(1), route)) for m in _UNKNOWN.finditer(t)] for t, route in zip(texts, routes)]
        wanted = [(lang, m.group(2)) for found in marked for m, lang in found if lang]
        wanted += [(lang, w.lower()) for lang, w in wanted if w[:1].isupper() and w[1:].islower()]
        if not wanted:
            return texts
        english = self.lexicon.english(wanted)
        out = []
        for text, found in zip(texts, marked):
            pieces, last = [], 0
            for m, lang in found:
                word = english.get((lang, m.group(2))) if lang else None
                if not word and lang and m.group(2)[:1].isupper() and m.group(2)[1:].islower() and _OPENING.match(text[: m.start()]):
                    # capitalised because it opens the sentence ("Ostaggi liberati"): the common word
                    lower = english.get((lang, m.group(2).lower()))
                    word = lower[:1].upper() + lower[1:] if lower else None
                if word:
                    pieces += [text[last : m.start()], word]
                    last = m.end()
            out.append("".join(pieces) + text[last:])
        return out

    # ---- names ----------------------------------------------------------------------------------
    def _kinds(self, words: set[str]) -> dict[str, set[str]]:
        """For each word: {"unknown" (to the source analyser), "common", "ant" (given name or surname),
        "loc" (another proper noun: place, organisation, acronym)} from the analysers of both directions."""
        parts = {p for w in words for p in w.split("-") if p and "." not in p}
        kinds: dict[str, set[str]] = {p: set() for p in parts}
        for i, analyser in enumerate(self._analysers):
            if analyser is None:
                continue
            for word, readings in analyser.analyse(sorted(parts)).items():
                if not readings:
                    if i == 0:
                        kinds[word].add("unknown")
                    continue
                for r in readings:
                    if "<np>" in r and ("<ant>" in r or "<cog>" in r):
                        kinds[word].add("ant")
                    elif "<np>" in r:  # places, organisations, acronyms: "Europa", "URSS"
                        kinds[word].add("loc")
                    elif i == 0:
                        kinds[word].add("common")
        if self._analysers[0] is None:  # no analyser: every capitalised word counts as unknown
            for k in kinds.values():
                k.add("unknown")
        out = {w: set().union(*(kinds.get(p, {"unknown"}) for p in w.split("-") if p)) for w in words}
        for w in words:
            if re.fullmatch(r"(?:[A-Z]\.)+", w):
                out[w] = {"ant"}
        return out

    # ---- running apertium -------------------------------------------------------------------------
    def _pivot(self, texts: list[str], route: tuple[str, ...] | None = None) -> list[str]:
        # -z (null flush): each sentence is its own block, and `pipe` gives each block a fresh
        # tagger, so a sentence translates the same whatever is sent with it
        stream = "".join(f"{_escape(t)}.[][<s{k}>]\n\0" for k, t in enumerate(texts))
        pipe = " | ".join(pipe_command(self.binary, d) for d in route or self.directions)  # marks kept: see _fill
        try:
            proc = subprocess.run(
                ["bash", "-o", "pipefail", "-c", pipe], input=stream.encode("utf-8"), capture_output=True,
                env={**os.environ, "LC_ALL": "C.UTF-8"},
            )
        except OSError as err:
            raise EngineUnavailable(f"offline translator failed to start ({err})", f"install it with `{INSTALL_HINT}`") from None
        if proc.returncode != 0:
            why = " ".join(proc.stderr.decode("utf-8", "replace").split())[-200:] or f"exit status {proc.returncode}"
            raise EngineUnavailable(f"offline translator failed: {why}")
        return _split(proc.stdout.decode("utf-8", "replace").replace("\0", ""), len(texts))

    def _check_modes(self) -> list[str]:
        try:
            listed = subprocess.run([self.binary, "-l"], capture_output=True, text=True, timeout=30).stdout.split()
        except (OSError, subprocess.SubprocessError) as err:
            raise EngineUnavailable(f"offline translator unavailable: cannot run {self.binary} ({err})",
                                    f"install it with `{INSTALL_HINT}`") from None
        missing = [d for d in self.directions if d not in listed]
        if missing:
            raise EngineUnavailable(
                f"offline translator unavailable: apertium has no {', '.join(missing)} language data",
                f"install it with `{INSTALL_HINT}`",
            )
        return listed

    def _mode_file(self, direction: str) -> Path | None:
        return mode_file(self.binary, direction)


def mode_file(binary: str, direction: str) -> Path | None:
    """The .mode file of `direction` for the apertium at `binary` (APERTIUM_DATADIR first)."""
    datadirs = [os.environ.get("APERTIUM_DATADIR"), Path(binary).resolve().parent.parent / "share" / "apertium", "/usr/share/apertium"]
    for d in datadirs:
        if d and (Path(d) / "modes" / f"{direction}.mode").is_file():
            return Path(d) / "modes" / f"{direction}.mode"
    return None


# apertium-tagger keeps state for the whole process, across null-flush blocks: how it reads a word of
# an ambiguity class unseen in training depends on the words it read before (measured: "Concordiamo
# con quanto affermato" tags "quanto" <adj><itg> alone, <rel><nn> once any earlier block had "che";
# `apertium-tagger -d` reports both as "a new ambiguity class"). The stages before it (lt-proc,
# cg-proc) and after it give each block the same output whatever precedes it. So each block gets a
# tagger process of its own: a shell loop over the null-separated blocks, inside the one pipe.
_TAGGER = re.compile(r"apertium-tagger\s+(?:-z\s+)?-g\s+(?:\$2\s+)?('[^']*'|[^\s|']+)")
_TAGGER_PER_BLOCK = (
    "{{ while IFS= read -r -d '' b || [ -n \"$b\" ]; do printf '%s' \"$b\" | apertium-tagger -g {prob}; printf '\\0'; done; }}"
)


@cache
def pipe_command(binary: str, direction: str) -> str:
    """A shell command translating apertium's null-flushed stream format for `direction` (-f none,
    unknown-word marks kept) with a fresh tagger for every block; `apertium -z -f none` where the
    mode file or apertium-wblank-mode is missing."""
    plain = f"{shlex.quote(binary)} -z -f none {direction}"
    mode, wblank = mode_file(binary, direction), shutil.which("apertium-wblank-mode")
    if mode is None or wblank is None:
        return plain
    try:
        proc = subprocess.run([wblank, "-z", str(mode)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return plain
    command = " ".join(proc.stdout.split())
    if proc.returncode != 0 or not command or "$" in _TAGGER.sub("", command).replace("$1", "").replace("$2", ""):
        return plain
    command = _TAGGER.sub(lambda m: _TAGGER_PER_BLOCK.format(prob=m.group(1)), command)
    return "(" + command.replace("$1", "-g").replace("$2", "") + ")"


@dataclass
class _Plan:
    text: str
    entries: list[Entry]

    @classmethod
    def build(cls, text: str, spans: list[tuple[int, int, Entry]]) -> "_Plan":
        pieces: list[str] = []
        entries: list[Entry] = []
        last = 0
        for start, end, entry in sorted(spans, key=lambda x: (x[0], -x[1])):
            if start < last:
                continue
            pieces.append(text[last:start])
            pieces.append(_placeholder(len(entries)))
            entries.append(entry)
            last = end
        pieces.append(text[last:])
        return cls("".join(pieces), entries)

    def restore(self, english: str) -> str | None:
        """`english` with each placeholder replaced by its English; None when one is missing or doubled."""
        found = [int(_code(m.group(1))) for m in _PLACEHOLDER.finditer(english)]
        if sorted(found) != list(range(len(self.entries))):
            return None
        after = re.match(r"[\W_]*Zqj[a-z]{2}\s+(\w)", self.text)
        if after and after.group(1).islower():
            # A name opens the sentence and a lower-case word follows it; apertium capitalises
            # the first word it knows ("Correa Has announced"): undo that.
            english = re.sub(r"^([\W_]*Zqj[a-z]{2}\s+)([A-Z])(?=[a-z])", lambda m: m.group(1) + m.group(2).lower(), english)
        out: list[str] = []
        last = 0
        for m in _PLACEHOLDER.finditer(english):
            out.append(english[last : m.start()])
            place(out, self.entries[_code(m.group(1))])
            last = m.end()
        out.append(english[last:])
        return "".join(out)


class _Analyser:
    """A morphological analyser of the pair (lt-proc + the mode's .automorf.bin): readings per word."""

    def __init__(self, lt_proc: str, automorf: Path):
        self.command = [lt_proc, str(automorf)]
        self.cache: dict[str, list[str]] = {}

    @classmethod
    def for_mode(cls, mode: Path | None) -> "_Analyser | None":
        if mode is None:
            return None
        m = re.search(r"lt-proc\s+(?:-\w+\s+)*'?([^'\s|]+\.automorf\.bin)", mode.read_text(encoding="utf-8", errors="replace"))
        lt_proc = shutil.which("lt-proc")
        if not m or not lt_proc or not Path(m.group(1)).is_file():
            return None
        return cls(lt_proc, Path(m.group(1)))

    def analyse(self, words: list[str]) -> dict[str, list[str]]:
        """Readings of each word ("Antonio<np><ant><m><sg>"); [] for a word the analyser does not know."""
        todo = [w for w in words if w not in self.cache]
        if todo:
            stream = "".join(f"{_escape(w)}[<w>]\n" for w in todo)
            proc = subprocess.run(self.command, input=stream.encode("utf-8"), capture_output=True)
            chunks = proc.stdout.decode("utf-8", "replace").split("[<w>]")[: len(todo)]
            if proc.returncode != 0 or len(chunks) != len(todo):
                chunks = [""] * len(todo)  # no analysis: the words count as unknown
            for word, chunk in zip(todo, chunks):
                lus = re.findall(r"\^((?:\\.|[^$\\])*)\$", chunk)
                self.cache[word] = [r for lu in lus for r in lu.split("/")[1:] if not r.startswith("*")]
        return {w: self.cache[w] for w in words}


def _name_spans(text: str, tokens: list[re.Match], kinds: dict[str, set[str]]) -> list[tuple[int, int, int | None]]:
    """(start, end, fallback) of proper names among `tokens`: "Marco Rubio", "J.D. Vance",
    "Ursula von der Leyen", "Tajani". `fallback` is None for a sure name; for a run that opens
    the sentence with a common word ("Nel XX secolo") it is where the name would start without
    that word: the run is protected whole only if it is a sure name elsewhere, else from
    `fallback` on (nothing when `fallback` is `end`).

    Words count by what the analysers of the pair know: N, unknown to the source analyser (the
    pivot cannot translate it, and the second step may mangle it: "Rubio" -> "Blond"); G, a given
    name the dictionaries know ("Marco", "Antonio"), a name only when a name follows it, since
    alone it is often translated right ("Abramo" -> "Abraham"); after a G any capitalised word is
    a surname ("Giorgia Meloni"). Place names the pivot translates are never protected; a lone
    word must be N."""
    runs: list[list[tuple[re.Match, str]]] = []
    current: list[tuple[re.Match, str]] = []
    pending: list[tuple[re.Match, str]] = []  # particles ("von", "der") waiting for the next name word
    for m in tokens:
        role = _role(m, text, kinds)
        if current and text[(pending or current)[-1][0].end() : m.start()].strip():
            runs.append(current)
            current, pending = [], []
        if role in ("N", "G") or (role == "C" and current and current[-1][1] == "G" and _given(current[-1][0], kinds)):
            current += pending + [(m, role if role != "C" else "S")]
            pending = []
        elif current and m.group() in _PARTICLES:
            pending.append((m, "P"))
        else:
            if current:
                runs.append(current)
            current, pending = [], []
    if current:
        runs.append(current)
    spans: list[tuple[int, int, int | None]] = []
    for run in runs:
        whole = _settle(run)
        if whole is None:
            continue
        i, j = whole
        start, end = run[i][0].start(), run[j][0].end()
        opens = i == 0 and _OPENING.match(text[:start]) is not None
        first = run[i][0].group()
        if opens and ("common" in kinds.get(first, ()) or j == i):
            # capitalised because it opens the sentence: "Nel XX secolo", "Cassaforte ..."
            rest = _settle(run[i + 1 : j + 1]) if j > i else None
            spans.append((start, end, run[i + 1 + rest[0]][0].start() if rest else end))
        else:
            spans.append((start, end, None))
    return spans


def _role(m: re.Match, text: str, kinds: dict[str, set[str]]) -> str | None:
    """N (unknown name word), G (given name or initials), C (other capitalised word), None."""
    word = m.group()
    if m.lastgroup == "initials":
        return "G"
    if m.lastgroup != "word" or not word[0].isupper() or re.match(r"[’']\w", text[m.end() : m.end() + 2]):
        return None  # lower case, a number, or an elided article ("All'esterno", "Dell’")
    k = kinds.get(word, {"unknown"})
    if "loc" in k:
        return None  # place names: the pivot translates them ("Europa" -> "Europe")
    if "unknown" in k:
        return "N"
    return "G" if "ant" in k else "C"


def _given(m: re.Match, kinds: dict[str, set[str]]) -> bool:
    """A given name that is no common word: a capitalised word after it is a surname
    ("Giorgia Meloni"), unlike after "Marco" (also "mark") or "Tre" ("Tre Regni")."""
    return m.lastgroup == "initials" or "common" not in kinds.get(m.group(), ())


def _settle(run: list[tuple[re.Match, str]]) -> tuple[int, int] | None:
    """(first, last) index of the name in `run`: no leading particle or surname-only word, no
    trailing given name or particle; a single word must be N."""
    i, j = 0, len(run) - 1
    while i <= j and run[i][1] not in ("N", "G"):
        i += 1
    while j >= i and run[j][1] in ("G", "P"):
        j -= 1
    if j < i or (i == j and run[i][1] != "N"):
        return None
    return i, j


def _case_like(english: str, word: str) -> str:
    return english[:1].upper() + english[1:] if word[:1].isupper() else english


def _placeholder(k: int) -> str:
    return "Zqj" + chr(97 + k // 26) + chr(97 + k % 26)


def _code(letters: str) -> int:
    return (ord(letters[0]) - 97) * 26 + ord(letters[1]) - 97


def _english_number(number: str) -> str:
    """Italian number formatting to English where it is unambiguous: "1,2" -> "1.2",
    "1.200.000" -> "1,200,000"; anything else ("10.30") as written."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?%?|\d+,\d+%?", number):
        return number.translate(str.maketrans(".,", ",."))
    return number


def _escape(text: str) -> str:
    """Plain text as apertium's stream format: special characters escaped, "~" in a superblank."""
    return _ESCAPE.sub(r"\\\1", text).replace("~", "[~]")


def _split(stream: str, n: int) -> list[str]:
    """One text per numbered separator; apertium must give back exactly 0..n-1, in order."""
    pieces: list[str] = []
    last = 0
    for k, m in enumerate(_SEPARATOR.finditer(stream)):
        if int(m.group(1)) != k:
            raise EngineUnavailable(f"offline translator lost sentence alignment at sentence {k}")
        pieces.append(stream[last : m.start()])
        last = m.end()
    if len(pieces) != n:
        raise EngineUnavailable(f"offline translator returned {len(pieces)} sentences for {n}")
    return [_unescape(p) for p in pieces]


def _unescape(text: str) -> str:
    text = re.sub(r"\.\[\]", "", text)  # periods apertium inserted, if any are left
    text = re.sub(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]", r"\1", text)  # superblanks: their contents
    return re.sub(r"\\(.)", r"\1", text).strip()


def _clean(english: str, source: str) -> str:
    """Unknown-word and ambiguity marks removed (unless the source itself had them), apostrophes as in the source."""
    kept = set(re.findall(r"[*#@]+\w+", source))
    english = _MARKS.sub(lambda m: m.group() if any(k.startswith(m.group()) for k in kept) else "", english)
    if "#" not in source:  # a form the generator could not make, inside a compound or a date: "2026#-02#-03"
        english = re.sub(r"#(?=[-‐\d])", "", english)
    if "’" in source and "'" not in source:
        english = english.replace("'", "’")  # apertium writes typographic apostrophes as straight ones
    return " ".join(english.split())
