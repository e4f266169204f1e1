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
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from ..errors import EngineUnavailable
from ..numbers import italian_forms
from . import Progress
from .apertium_names import _OPENING, _TOKEN, _name_spans
from .apertium_run import _Analyser, mode_file, pipe_command, shared, shell
from .apertium_text import (
    _PLACEHOLDER_MARKS,
    _UNKNOWN,
    _case_like,
    _clean,
    _english_number,
    _escape,
    _mark_language,
    _Plan,
    _split,
    _unknowns,
)
from .glossary import Entry, Glossary
from .lexicon import Lexicon
from .lexicon_data import preload, territories
from .pivot_english import mend

# Between two steps of a route, fixes of the pivot language's text (sed on a null-separated stream,
# one block at a time), where apertium-spa-ita writes Spanish that spa-eng then misreads:
# - the preposition "attraverso" comes out "a través" without its "de", which spa-eng copies ("to
#   *través the net"; newssyscomb2009: 6 of its 51 Spanish leftovers);
# - an adverb between auxiliary and participle is moved after the participle ("ha anche deciso di
#   agire" -> "ha decidido también actuar"), where it breaks spa-eng's verb chunk ("has decided also
#   act"): it goes back before the participle ("has also decided to act").
_AUX = "he|ha|has|hemos|han|había|habían|habría|habrían|habrá|habrán|haya|hayan|hubiera|hubieran"
_ADVERBS = ("también|ya|todavía|aún|siempre|solo|sólo|incluso|además|entonces|después|nunca|finalmente|luego|ahora|"
            "realmente|efectivamente|probablemente|recientemente|casi|apenas")
PIVOT_FIXES = {
    "spa": "sed -u -z -E -e 's/\\<([Aa]) través el\\>/\\1 través del/g' -e 's/\\<([Aa]) través (del?)\\>/\\1 través\\x01\\2/g' "
    "-e 's/\\<([Aa]) través( |[,;:.])/\\1 través de\\2/g' -e 's/través\\x01/través /g' "
    f"-e 's/\\<({_AUX}) ([[:alpha:]]+(ado|ada|ados|adas|ido|ida|idos|idas|to|cho|sto|so|rto)) ({_ADVERBS})\\>/\\1 \\4 \\2/g'",
}

__all__ = ["ApertiumTranslator", "PIVOTS", "SECOND_PIVOTS", "mode_file", "pipe_command", "_Analyser"]

INSTALL_HINT = "apt-get install apertium apertium-spa-ita apertium-eng-spa cg3"
BINARY_ENV = "BRIEFS_APERTIUM"  # the apertium command to run (default: `apertium` on PATH)
PIVOTS: dict[str, tuple[str, ...]] = {"it": ("ita-spa", "spa-eng")}
# A second route, used when installed (apt-get install apertium-cat-ita apertium-eng-cat): each
# sentence goes both ways and the output with fewer unknown words wins (the first on a tie).
SECOND_PIVOTS: dict[str, tuple[str, ...]] = {"it": ("ita-cat", "cat-eng")}

# "a" and its articles ("al" = "a il"): the English after "up to", "in addition to", "compared with", "equal to"
# ("all'anno" is left to the pivot: a placeholder would run into the word after the apostrophe)
_TO = [("a", ""), ("ad", ""), ("al", " the"), ("allo", " the"), ("alla", " the"), ("ai", " the"), ("agli", " the"), ("alle", " the")]
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
    # connectives the pivot mistranslates and that break the words around them: "ha quindi deciso di
    # agire" -> "has decided like this as act"; "poi" -> "afterwards", "cioè" -> "that is to say",
    # "tuttavia" -> "instead", "circa" -> "roughly" (newssyscomb2009: BLEU 19.42 -> 19.62)
    "quindi": "so", "poi": "then", "cioè": "that is", "tuttavia": "however", "circa": "about",
    # parts of the day: "serata" -> "velada", read back as "velar"'s participle ("in the watched of
    # today", the seed); "in giornata" -> "in day"
    "in serata": "in the evening", "serata": "evening", "serate": "evenings", "in mattinata": "in the morning",
    "in giornata": "during the day", "in nottata": "overnight",
    # "atteso" (expected) -> "atendido" ("attended"): "A Washington sono attesi i rappresentanti"
    "sono attesi": "are expected", "sono attese": "are expected", "è atteso": "is expected", "è attesa": "is expected",
    # "tra cui" -> "among which" ("…of the G7 countries, among which Italy")
    "tra cui": "including", "fra cui": "including",
    # "L'incontro" -> "El encuentro", read as the verb: "I find it" (the seed); "Proprio ieri" -> "Own yesterday"
    "l'incontro": "the meeting", "l’incontro": "the meeting", "proprio ieri": "only yesterday",
    # words of news the pivot copies through: "quartier generale" (headquarters), "nei pressi di"
    # (near), "un pò" (a common misspelling of "un po'", a bit)
    "quartier generale": "headquarters", "quartier generali": "headquarters", "nei pressi": "in the vicinity",
    "un pò": "a bit", "un pó": "a bit",
    # phrases the pivot reads word by word: "si tratta di" -> "it treats of", "oltre a" -> "incidentally
    # to", "fino a" -> "refined to", "rispetto a" -> "respect to", "ovvero" -> "that is to say"
    "si tratta di": "it is", "si trattava di": "it was", "si tratterebbe di": "it would be",
    **{f"oltre {a}": "in addition to" + the for a, the in _TO},
    **{f"fino {a}": "up to" + the for a, the in _TO},
    "fino ad ora": "so far", "fino a ora": "so far", "fino ad oggi": "to date", "fino a oggi": "to date",
    "fino a quando": "until", "fino a che": "until",
    **{f"rispetto {a}": "compared with" + the for a, the in _TO},
    "finora": "so far", "ovvero": "that is", "ossia": "that is",
    # "attuale" -> "act them", "pacco" -> "bullet", "pari a" -> "resemble", "nel caso di" -> "in the
    # chance of". A noun is protected only inside a phrase: alone, the pivot no longer puts its adjective
    # before it ("i problemi economici" -> "the problems economic", where unprotected it gives "the economic questions")
    "attuale": "current", "attuali": "current", "pacco": "package", **{f"pari {a}": "equal to" + the for a, the in _TO},
    "nel caso di": "in the case of", "in caso di": "in case of", "per caso": "by chance", "a caso": "at random",
}
# ... and before a number only: "oltre 50 nazioni" -> "further of 50 nations" ("oltre il confine" is "beyond")
PIVOT_LOSSES_BEFORE_NUMBERS = {"oltre": "more than"}
_LOSSES = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) + (r"(?!\w)" if k[-1].isalpha() else "")
                                                for k in sorted(PIVOT_LOSSES, key=len, reverse=True)) + r")|"
                     r"(?<!\w)(?:" + "|".join(PIVOT_LOSSES_BEFORE_NUMBERS) + r")(?=\s+\d)", re.IGNORECASE)
_LOSS_ENGLISH = PIVOT_LOSSES | PIVOT_LOSSES_BEFORE_NUMBERS


@cache
def _countries(language: str) -> tuple[dict[str, str], re.Pattern]:
    names = territories(language)
    return names, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?!\w)" if names else r"(?!)")


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
        lexicon = "bridged" if self.lexicon is not None else None  # "bridged": the lexicon's step 5 (a memory from before it is not reused)
        return f"{self.name}|protect_names={self.protect_names}|lexicon={lexicon}|second={second}|per-sentence|pivot-fixes|articles|ages-lemmas|relatives|countries-phrases"

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
        self._prestart()

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
            english.append(mend(_clean(per_route[best][k], text)) if text else "")
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
        countries, pattern = _countries(self.language)
        for text in texts:
            spans: list[tuple[int, int, Entry]] = list(self.glossary.find(text))
            spans += [(m.start(), m.end(), Entry(m.group(), _case_like(_LOSS_ENGLISH[m.group().lower()], m.group())))
                      for m in _LOSSES.finditer(text) if all(m.end() <= a or m.start() >= b for a, b, _ in spans)]
            spans += [(s, e, Entry(text[s:e], english)) for s, e, english in italian_forms(text)
                      if all(e <= a or s >= b for a, b, _ in spans)]  # "15mila" -> "15,000", "3 feb." -> "3 February"
            # country names, bar one opening the sentence (a common word capitalised: "Mali", "Riunione")
            spans += [(m.start(), m.end(), Entry(m.group(), countries[m.group()])) for m in pattern.finditer(text)
                      if not _OPENING.match(text[: m.start()]) and all(m.end() <= a or m.start() >= b for a, b, _ in spans)]
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
        # tagger, so a sentence translates the same whatever is sent with it or before it: the
        # route's long-lived pipe (`shared`) serves every call, one run of its own if that fails
        stream = "".join(f"{_escape(t)}.[][<s{k}>]\n\0" for k, t in enumerate(texts)).encode("utf-8")
        argv = self._route_argv(route or self.directions)
        out = shared(argv).run(stream, len(texts)) if not any("\0" in t for t in texts) else None
        if out is None:
            try:
                proc = subprocess.run(argv, input=stream, capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
            except OSError as err:
                raise EngineUnavailable(f"offline translator failed to start ({err})", f"install it with `{INSTALL_HINT}`") from None
            if proc.returncode != 0:
                why = " ".join(proc.stderr.decode("utf-8", "replace").split())[-200:] or f"exit status {proc.returncode}"
                raise EngineUnavailable(f"offline translator failed: {why}")
            out = proc.stdout
        return _split(out.decode("utf-8", "replace").replace("\0", ""), len(texts))

    def _route_argv(self, route: tuple[str, ...]) -> tuple[str, ...]:
        steps = [pipe_command(self.binary, d) for d in route]  # marks kept: see _fill
        for k in range(len(route) - 1, 0, -1):  # the pivot's text fixed between two steps
            fix = PIVOT_FIXES.get(route[k - 1].split("-")[1])
            if fix:
                steps.insert(k, fix)
        return shell(" | ".join(steps))

    def _prestart(self) -> None:
        """Start what `translate` runs (the pivot's pipes, the analysers, the lexicon's first
        routes) and load the lexicon's word lists in a thread: it all loads while the caller goes on."""
        for route in [self.directions] + ([self.second] if self.second else []):
            shared(self._route_argv(route)).start()
        for analyser in self._analysers:
            if analyser is not None:
                analyser.start()
        if self.lexicon is not None:
            self.lexicon.prestart([self.language, "es"])
            threading.Thread(target=preload, args=([self.language, "es"],), daemon=True).start()

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

