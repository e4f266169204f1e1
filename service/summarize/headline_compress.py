"""Headline compression: one English sentence turned into its main clause, in headline style.

`compress` does it in four steps:
1. asides go: parentheses, dash asides ("– has written the Department in a note –"), relative
   clauses and appositives between commas (", which ...,", ", the minister of ...,");
2. leading time and place adverbials go ("Tomorrow, 4 February,", "On Monday,", "In Rome,"), and
   attributions ("..., officials said", "according to ...", "X said that ...");
3. headline style: no articles ("the", "a", "an"), "will <verb>" becomes "to <verb>", "has been
   sued" becomes "sued", "X has said ..." becomes "X says ...", a job description before the
   subject's name goes ("British car maker Aston Martin"), so does a title before it between commas
   ("The Minister for Culture, Maria Rossi,"), and so do time phrases after the verb ("in 2004",
   "last year"); a pronoun opening reported speech takes the speaker's name ("Paolo Rossi has
   confirmed that he plans" -> "Paolo Rossi plans"); quotation marks around a phrase are dropped
   (their words stay);
4. the clause is cut to `max_words` at the last point where it reads as complete, preferring a
   clause boundary (also before an adverbial: "after", "despite", "by", ...): never after an
   article, preposition, conjunction, auxiliary or pronoun, never inside a noun phrase ("for the
   three | months", "Marco | Rubio", "interest | rates"), never between a verb and its particle or
   infinitive ("picking | up", "merge | to form"), and only where the clause's own verb is kept (a
   relative clause's verb, "travellers who book", or a participle after a noun, "journalists covering",
   is none).
Part-of-speech tags come from `headline_tagging.tag`. `balance` drops unmatched brackets and
quotation marks (the compressed clause's last step, and one of the rules `headline.violations` checks).
The mutable `STYLE` switches and `LEADING_WORDS` are read here: patch them on this module.
"""

from __future__ import annotations

import re

from .headline_tagging import (
    _NOMINAL,
    _TOKEN,
    ARTICLES,
    AUXILIARIES,
    CONJUNCTIONS,
    FUNCTION_WORDS,
    PREPOSITIONS,
    PRONOUNS,
    Token,
    tag,
)

MIN_WORDS, MAX_WORDS = 6, 12

LEADING_TIME = re.compile(
    r"^(?:(?:tomorrow|yesterday|today|tonight|meanwhile|however|now|earlier|later|also|then|moreover|indeed|"
    r"in addition|last (?:week|month|year|night)|this (?:week|month|year|morning|afternoon|evening)|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b[\s,]*)+",
    re.IGNORECASE,
)
_QUOTE_CHARS = "\"“”«»„"


# ---- compression --------------------------------------------------------------------------------
_PAREN = re.compile(r"\s*\([^()]{0,120}\)")
_DASH_ASIDE = re.compile(r"\s+[–—]\s+[^–—]{1,120}?\s+[–—]\s+")
_RELATIVE = re.compile(r",\s+(?:which|who|whose|whom|where)\b[^,;:]*(?:[,;:]|(?=[.!?]?$))")
_ATTRIBUTION_END = re.compile(
    r",\s+(?:according to [^,.;]{2,60}|(?:[\w'’.-]+\s+){0,6}?(?:said|says|told [\w ]{1,30}|reported|announced|claimed|"
    r"added|explained|revealed|confirmed|insisted|warned|wrote|stated|noted)(?:\s+[^,.;]{0,30})?)\s*[.!?]?\s*$"
)
_ATTRIBUTION_START = re.compile(r"^(?:according to [^,]{2,60},\s*)", re.IGNORECASE)
# a reporting verb and its "that" (both patterns below)
_REPORTING_THAT = r"(?:said|says|announced|warned|added|claimed|stated|confirmed|believes?)\s+(?:on \w+\s+)?that\s+"
_SAID_THAT = re.compile(r"^[^,;:“\"]{2,60}?\b" + _REPORTING_THAT, re.IGNORECASE)
# "Paolo Rossi has confirmed that he plans to ..." -> "Paolo Rossi plans to ...": the speaker stands for
# the pronoun that opens the reported clause (where the speaker is not a pronoun too)
_SPEAKER_PRONOUN = re.compile(r"^([^,;:“\"]{2,60}?)\s+(?:(?:has|have|had)\s+)?" + _REPORTING_THAT + r"(?:he|she|they|it|we)\s+(?=\w)",
                              re.IGNORECASE)
# "Betty Boothroyd has said the House of Lords needs ..." -> "Betty Boothroyd says ...": a named speaker's
# reported speech without "that", in the headline's present tense
_SAID_NAME = re.compile(r"^((?:[A-Z][\w'’.-]*\s+){1,4})(?:has\s+)?(?:said|believes|predicted|insisted|claimed)\s+"
                        r"(?=(?:the|a|an|his|her|their|its|it|he|she|they|[a-z]+s?|[A-Z][\w'’.-]*)\b)")
# ", after a debate that lasted all night, approved": an adverbial aside between commas
_COMMA_ASIDE = re.compile(r"(?<=\w),\s+(?:after|before|despite|following|amid|while|during|since|without|"
                          r"according to|unlike|including|like|for example|for instance)\b[^,;:]{2,100},\s+(?=[a-z])")
# "Tajani, the foreign minister, said": an appositive between commas, the clause going on in lower case
_APPOSITIVE = re.compile(r"(?<=\w),\s+(?:the|a|an|its|his|her|their|our|who|which)\s[^,;:]{2,80}?,\s+(?=[a-z])")


# "The Minister for Culture, Tourism and Sport, Maria Rossi, has hit out": a title before the
# subject's name between commas; the name is the subject
_TITLE_NAME = re.compile(r"^(?:The\s+)?[A-Z][^,;:]{2,60}?(?:,\s+[A-Z][^,;:]{1,40}?)*,\s+"
                         r"((?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’.-]+),\s+(?=[a-z])")


def _plain(sentence: str) -> str:
    """`sentence` without asides, attributions and quotation marks (text-level steps 1-2)."""
    s = " ".join(sentence.split())
    s = re.sub(r"(?<=[a-z]),(?=[A-Za-z])", ", ", s)  # "Party,said": a comma's lost space
    s = _PAREN.sub("", s)
    s = _TITLE_NAME.sub(r"\1 ", s)
    s = _DASH_ASIDE.sub(" ", s)
    s = _COMMA_ASIDE.sub(" ", s)
    s = _APPOSITIVE.sub(" ", s)
    s = _RELATIVE.sub(lambda m: "," if m.group().endswith(",") else "", s)
    s = _ATTRIBUTION_START.sub("", s)
    said = _SPEAKER_PRONOUN.match(s)
    s = said.group(1) + " " + s[said.end():] if said and said.group(1).lower() not in PRONOUNS else _SAID_THAT.sub("", s)
    s = _SAID_NAME.sub(lambda m: m.group(1) + "says ", s)
    s = _ATTRIBUTION_END.sub("", s)
    s = "".join(ch for ch in s if ch not in _QUOTE_CHARS)
    s = re.sub(r"(^|[\s(])‘", r"\1", s)
    s = re.sub(r"’(?=[\s,.;:!?)]|$)", "", s) if "‘" in sentence else s
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    return s.strip()


def _strip_leading(toks: list[Token]) -> list[Token]:
    """Drop leading time/place adverbials: words before the first comma holding no verb
    ("Tomorrow, 4 February,", "In Washington,", "However,"), leading time adverbs and a leading
    subordinate clause ("While ..., "); [] when the sentence is a subordinate clause alone."""
    while True:
        # "Own yesterday the president ...": a time word among the first three, no noun before it
        at = next((i for i, t in enumerate(toks[:3]) if t.low in ("yesterday", "today", "tomorrow", "tonight")), None)
        if at and not any(t.pos in ("n", "np", "prn") or t.is_verb for t in toks[:at]):
            toks = toks[at:]
        text = " ".join(t.text for t in toks)
        m = LEADING_TIME.match(text)
        if m and m.end() > 0:
            n = len(_TOKEN.findall(m.group()))
            toks = toks[n:]
            continue
        comma = next((i for i, t in enumerate(toks[:9]) if t.text == ","), None)
        if comma is not None and comma > 0 and not any(t.is_verb for t in toks[:comma]):
            first = toks[0]
            if first.pos == "adv" or first.pos == "pr" and first.low in PREPOSITIONS or first.pos == "num" or first.low in LEADING_WORDS or all(t.pos in ("num", "np", "n") for t in toks[:comma]):
                toks = toks[comma + 1:]
                continue
        if toks and toks[0].low in _SUBORDINATORS:
            # "While the letters are expected to fetch $300,000, the owners ...": the main clause follows
            # the subordinate clause's comma; without one there is no main clause to keep
            comma = next((i for i, t in enumerate(toks) if t.text == ","), None)
            return toks[comma + 1:] if comma is not None else []
        return toks


_SUBORDINATORS = frozenset("while although though whereas if unless because as when since once".split())


LEADING_WORDS = frozenset("tomorrow yesterday today tonight meanwhile however on in at during after before last this".split())


STYLE = {"aux": True, "possessive": True, "adverb": True, "descriptor": True, "time": True, "passive": True}
_DROPPED_AUX = frozenset("has have had is are was were".split())
_BE = frozenset("is are was were".split())
_POSSESSIVES = frozenset("its their his her our".split())


def _headline_style(toks: list[Token]) -> list[Token]:
    """Headline grammar: no articles, possessives or manner adverbs; "has agreed" -> "agreed",
    "is to merge" -> "to merge", "will host" -> "to host"."""
    out: list[Token] = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.low in ARTICLES and nxt is not None and nxt.is_word:
            continue
        if STYLE["aux"] and t.low in _DROPPED_AUX and nxt is not None and out and (
                nxt.low == "to" and t.low in _BE or nxt.is_verb and nxt.low not in AUXILIARIES and not nxt.low.endswith("ly")
                and (t.low in _BE or nxt.low.endswith("ed"))):  # "has returned" -> "returned"; "has gone", "is unlikely" stay
            nxt.finite = True
            continue
        if STYLE["passive"] and t.low in ("been", "being") and out and out[-1].low in _DROPPED_AUX | {"have", "has", "had"} and (
                nxt is not None and nxt.is_verb and nxt.low not in AUXILIARIES):
            if out[-1].low in _DROPPED_AUX:
                out.pop()
            continue
        if STYLE["possessive"] and t.low in _POSSESSIVES and nxt is not None and nxt.pos in _NOMINAL:
            continue
        if STYLE["adverb"] and t.pos == "adv" and t.low.endswith("ly") and out and nxt is not None and nxt.is_word:
            continue
        if t.low == "will" and i + 1 < len(toks) and (toks[i + 1].is_verb or toks[i + 1].pos in ("unk", "n", "adj")):
            out.append(Token("to", "pr", t.start))
            if not toks[i + 1].is_verb:
                toks[i + 1].pos = "vblex"  # the word after "will" is a verb ("will host")
            continue
        out.append(t)
    return out


_MONTHS = "january february march april may june july august september october november december".split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_TIME_WORDS = frozenset(_MONTHS + _DAYS + "yesterday today tomorrow tonight".split())
_TIME_UNITS = frozenset("week month year weekend night morning afternoon evening season quarter".split())


def _drop_descriptor(toks: list[Token]) -> list[Token]:
    """A job or trade description before the subject's name goes ("British car maker Aston Martin"
    -> "Aston Martin", "US rapper Snoop Dogg" -> "Snoop Dogg"): at the start, words that are not
    all names, ending on a common noun, followed by a name."""
    k = 0
    while k < len(toks) and toks[k].pos in ("n", "np", "adj", "num") and toks[k].is_word and toks[k].low not in FUNCTION_WORDS:
        k += 1
    # toks[:k] is the subject's noun phrase; find the last common noun followed by a run of names
    for j in range(k - 1, 0, -1):
        if toks[j].pos == "np" and toks[j].text[0].isupper() and toks[j - 1].pos == "n" and toks[j - 1].text[0].islower():
            name_end = j
            while name_end < k and toks[name_end].pos == "np":
                name_end += 1
            if name_end == k and k < len(toks) and any(t.is_verb for t in toks[k:]):
                return toks[j:]
    return toks


def _drop_time(toks: list[Token]) -> list[Token]:
    """Time phrases after the verb go: "in 2004", "last year", "on Monday", "in February", "next week"."""
    out: list[Token] = []
    i = 0
    seen_verb = False
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if seen_verb and nxt is not None:
            if t.low in ("in", "on", "since", "by", "during") and (nxt.low in _TIME_WORDS or re.fullmatch(r"(?:19|20)\d\d", nxt.text)) and (
                    i + 2 >= len(toks) or not toks[i + 2].is_word or toks[i + 2].is_function or toks[i + 2].pos == "num"):
                i += 3 if i + 2 < len(toks) and toks[i + 2].pos == "num" else 2
                continue
            if t.low in ("last", "next", "this") and nxt.low in _TIME_UNITS:
                i += 2
                continue
        if t.low in _TIME_WORDS and seen_verb and t.low in ("yesterday", "today", "tomorrow", "tonight"):
            i += 1
            continue
        seen_verb = seen_verb or t.is_verb
        out.append(t)
        i += 1
    return out


_PARTICLES = frozenset("out up off down back away over".split())  # "has hit | out at critics"


def _ends_badly(toks: list[Token], k: int) -> str | None:
    """Why a cut after toks[:k] would leave the headline hanging, or None."""
    last = toks[k - 1]
    if not last.is_word:
        return f"ends on '{last.text}'"
    if last.is_function or last.low in ("not", "never"):
        return f"ends on the function word '{last.text}'"
    if k >= 2 and (toks[k - 2].pos in ("cnjcoo", "cnjsub") or toks[k - 2].text == ","):
        return f"leaves '{toks[k - 2].text} {last.text}' hanging"
    if k < len(toks):
        nxt = toks[k]
        if nxt.is_word and last.text.lower().endswith(("'s", "’s")):
            return f"cuts the noun phrase '{last.text} {nxt.text}'"
        if nxt.is_word and last.pos in _NOMINAL and nxt.pos in ("vaux", "vbhaver", "vbser", "vbmod", "vbdo"):
            return f"cuts '{last.text}' from its verb '{nxt.text}'"
        if nxt.is_word and (
            last.pos in ("det", "adj", "num") and nxt.pos in _NOMINAL
            or last.pos in ("n", "np", "unk") and nxt.pos in ("n", "np") and (nxt.text[0].isupper() == last.text[0].isupper())
            or nxt.low in ("'s", "’s")
        ):
            return f"cuts the noun phrase '{last.text} {nxt.text}'"
        if nxt.is_word and last.is_verb and nxt.pos in ("det", "n", "np", "adj", "num", "prn", "unk"):
            return f"cuts the verb '{last.text}' from its object '{nxt.text}'"
        if last.is_verb and nxt.low == "to" and k + 1 < len(toks) and toks[k + 1].is_verb:
            return f"cuts the verb '{last.text}' from its infinitive 'to {toks[k + 1].text}'"
        if last.is_verb and nxt.low in _PARTICLES and (k + 1 >= len(toks) or not toks[k + 1].is_verb):
            return f"cuts the verb '{last.text}' from its particle '{nxt.text}'"
    return None


def _finite(toks: list[Token], j: int) -> bool:
    """toks[j] may be the clause's verb (not a participle opening an aside: ", including ...", nor
    the verb of a relative clause: "travellers who book")."""
    t = toks[j]
    if j == 0 and len(toks) > 1 and toks[1].low in ("who", "which", "that"):
        return False  # "Travellers who ...": the subject, whatever its tag
    i = j - 1
    while i > 0 and (toks[i].low in AUXILIARIES or toks[i].pos == "adv"):
        i -= 1  # "that has greeted"
    if i >= 1 and (toks[i].low in ("who", "which") or toks[i].low == "that" and toks[i - 1].pos in ("n", "np", "prn", "rel")):
        return False  # "travellers who book flights": a relative clause's verb
    # "-ing" opening an aside (", including") or after a noun ("reporters covering the trial") is no clause verb
    return t.is_verb and (t.finite or not (t.low.endswith("ing") and (j == 0 or toks[j - 1].text == "," or toks[j - 1].pos in ("n", "np"))))


def _join(toks: list[Token]) -> str:
    out = ""
    for t in toks:
        if out and (t.pos != "punct" or t.text in "(“‘«[–—£$€") and not out.endswith(("(", "“", "‘", "«", "[", "£", "$", "€")):
            out += " "
        out += t.text
    return out


# A clause may also end before an adverbial clause or phrase ("Lufthansa returned to profit | after
# posting huge losses"), once the headline has BOUNDARY_MIN words; chosen on the BBC tune half
# (29.86 -> 30.89 with "when since by"; adding "in on at", "over for from" lowered it).
_ADVERBIAL = frozenset("after despite amid following because before as while with when since by".split())
BOUNDARY_MIN = 6
TARGET_WORDS = 11  # the longest headline `pick` writes (real headlines average about 5 words); tuned on the BBC tune half


def compress(sentence: str, max_words: int = MAX_WORDS, min_words: int = MIN_WORDS, *, tokens: list[Token] | None = None) -> str:
    """`sentence` as a headline of min_words..max_words words, or "" when it does not compress to
    a clause with a verb within the rules."""
    plain = _plain(sentence)
    toks = tokens if tokens is not None else tag([plain])[0]
    toks = _strip_leading(toks)
    toks = _headline_style(toks)
    toks = _drop_descriptor(toks) if STYLE["descriptor"] else toks
    toks = _drop_time(toks) if STYLE["time"] else toks
    # one clause: stop at a sentence end, semicolon or colon
    for i, t in enumerate(toks):
        if t.text in (".", ";", ":", "!", "?") and i >= 3:
            toks = toks[:i]
            break
    words = [i for i, t in enumerate(toks) if t.is_word]
    if not words:
        return ""
    best, fallback = "", ""
    for n in range(min(max_words, len(words)), min_words - 1, -1):
        k = words[n - 1] + 1
        if _ends_badly(toks, k) or not any(_finite(toks, j) for j in range(k)):
            continue
        fallback = fallback or _join(toks[:k])
        if k == len(toks) or not toks[k].is_word or toks[k].pos in ("cnjcoo", "cnjsub", "rel") or toks[k].low in CONJUNCTIONS or (
                toks[k].low in _ADVERBIAL and n >= BOUNDARY_MIN and toks[k - 1].pos != "adv"):  # not "as never | before"
            best = _join(toks[:k])  # the cut falls on a clause boundary
            break
    best = best or fallback
    if not best:
        return ""
    best = balance(best).rstrip(" ,;:–—-.")
    return capitalized(best)


def capitalized(text: str) -> str:
    """`text` with a capital first letter, unless its first word is written with one inside ("iPod", "eBay")."""
    first = text.split(" ", 1)[0]
    return text if not text or any(c.isupper() for c in first[1:]) else text[0].upper() + text[1:]


def balance(text: str) -> str:
    """`text` with unmatched brackets and quotation marks removed."""
    text = "".join(ch for ch in text if ch not in _QUOTE_CHARS) if sum(text.count(q) for q in _QUOTE_CHARS) % 2 or (
        text.count("“") != text.count("”")) else text
    for o, c in (("(", ")"), ("[", "]")):
        while text.count(o) != text.count(c):
            text = text.replace(o if text.count(o) > text.count(c) else c, "", 1)
    return " ".join(text.split())
