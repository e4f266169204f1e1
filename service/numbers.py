"""Numbers, amounts, percentages and dates, read from Italian or English text to the same values.

`quantities("1,2 miliardi di euro", "it")` and `quantities("1.2 billion euros", "en")` both give a
money amount of 1.2e9; "15mila" and "15,000" give 15000; "3 feb." and "3 February" give the date
(2, 3). The fidelity report compares them; `englishify` rewrites Italian forms that a translation
left in English text ("15mila" -> "15,000", "1,2 miliardi" -> "1.2 billion", "3 feb." -> "3 February").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS_EN = ("January February March April May June July August September October November December").split()
_MONTHS_IT = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre").split()
_MONTH_ABBR_IT = ("gen feb mar apr mag giu lug ago set ott nov dic").split()
MONTH: dict[str, int] = {}
for _i, (_en, _it, _ab) in enumerate(zip(MONTHS_EN, _MONTHS_IT, _MONTH_ABBR_IT), 1):
    MONTH[_en.lower()] = MONTH[_it] = MONTH[_ab] = MONTH[_en[:3].lower()] = _i
MONTH["sept"] = MONTH["sett"] = 9

# Scale words after a number: Italian and English, full and abbreviated.
SCALE: dict[str, float] = {
    "mila": 1e3, "mille": 1e3, "thousand": 1e3, "k": 1e3,
    "milione": 1e6, "milioni": 1e6, "mln": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6, "m": 1e6,
    "miliardo": 1e9, "miliardi": 1e9, "mld": 1e9, "mrd": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9,
    "trillion": 1e12, "trillions": 1e12, "tn": 1e12,
}
_SCALE_EN = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}
CURRENCY: dict[str, str] = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "$": "USD", "dollari": "USD", "dollaro": "USD", "dollars": "USD", "dollar": "USD", "usd": "USD",
    "£": "GBP", "sterline": "GBP", "sterlina": "GBP", "pounds": "GBP", "pound": "GBP", "gbp": "GBP",
}
_PERCENT = r"%|per\s*cento|percento|percent|per\s+cent|punti\s+percentuali|percentage\s+points?"

# Digits, with "." or "," separators, or thousands grouped by (no-break) spaces: "75 000".
_NUM = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]?\d)|\d+(?:[.,]\d+)*"
_SCALES = "|".join(sorted((re.escape(s) for s in SCALE), key=len, reverse=True))
_CUR_WORDS = "|".join(sorted((re.escape(c) for c in CURRENCY if c.isalpha()), key=len, reverse=True))
_MONTH_WORDS = "|".join(sorted(MONTH, key=len, reverse=True))

_AMOUNT = re.compile(
    rf"(?P<pre>[€$£]\s?)?(?P<num>{_NUM})(?P<frac>[¼½¾])?(?:\s?(?P<scale>{_SCALES})\b)?"
    rf"(?:\s*(?P<pct>{_PERCENT}))?"
    rf"(?:\s?(?:di\s+|of\s+)?(?P<post>{_CUR_WORDS})\b|\s?(?P<postsym>[€$£]))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th|°|º)?\s+(?:of\s+)?(?P<month>{_MONTH_WORDS})\b\.?(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH_WORDS})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.IGNORECASE)
# Times of day: "22:00", "alle 15.30" (Italian also writes a dot), "10 p.m.", "10:30 pm".
_TIME = {
    "en": re.compile(r"(?<![\d.,:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:]|[.,]\d)(?:\s*(?P<ap>[ap]\.?m\.?)(?!\w))?"
                     r"|(?<![\d.,:])(?P<h2>1[0-2]|0?[1-9])\s*(?P<ap2>[ap]\.?m\.?)(?!\w)", re.IGNORECASE),
    "it": re.compile(r"(?<![\d.,:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?![\d.,:]?\d)"
                     r"|(?<=\ble )(?P<h2>[01]?\d|2[0-3]) e (?P<m2>[0-5]\d)\b", re.IGNORECASE),
}
_BARE = {"migliaia": 1e3, "thousands": 1e3, "milioni": 1e6, "milione": 1e6, "millions": 1e6, "million": 1e6,
         "miliardi": 1e9, "miliardo": 1e9, "billions": 1e9, "billion": 1e9, "trillions": 1e12, "trillion": 1e12}
_BARE_SCALE = re.compile(r"(?<![\d.,] )(?<![\d.,])\b(" + "|".join(_BARE) + r")\b(\s+(?:e\s+mezzo|and\s+a\s+half)\b)?", re.IGNORECASE)
_AND_A_HALF = re.compile(r"\s+(?:e\s+mezzo|and\s+a\s+half)\b", re.IGNORECASE)  # "1 milione e mezzo" = 1.5 million
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


# Numbers written as words. English "one" counts (a translation often writes "1" so); Italian
# "un/uno/una" do not (they are mostly articles), nor "sei" without a scale word (also "you are").
_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_IT_UNITS = ("zero _ due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
             "sedici diciassette diciotto diciannove").split()
_IT_TENS = "venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split()
WORD_VALUE: dict[str, dict[str, float]] = {"en": {}, "it": {}}
for _k, _w in enumerate(_EN_UNITS):
    WORD_VALUE["en"][_w] = _k
for _k, _w in enumerate(_EN_TENS, 2):
    WORD_VALUE["en"][_w] = 10 * _k
    for _u in range(1, 10):
        WORD_VALUE["en"][f"{_w}-{_EN_UNITS[_u]}"] = 10 * _k + _u
for _k, _w in enumerate(("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                         "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split(), 1):
    WORD_VALUE["en"][_w] = _k
for _k, _w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split(), 2):
    WORD_VALUE["en"][_w] = 10 * _k
WORD_VALUE["en"].update({"hundred": 100, "a hundred": 100, "one hundred": 100, "a dozen": 12, "dozen": 12,
                         "a thousand": 1000, "one thousand": 1000, "a million": 1e6, "a billion": 1e9})
for _k, _w in enumerate(_IT_UNITS):
    if _w != "_":
        WORD_VALUE["it"][_w] = _k
for _k, _w in enumerate(_IT_TENS, 2):
    WORD_VALUE["it"][_w] = 10 * _k
    for _u in range(1, 10):
        unit = _IT_UNITS[_u] if _u != 1 else "uno"
        stem = _w[:-1] if unit[0] in "uo" else _w  # ventuno, trentotto
        WORD_VALUE["it"][stem + (unit if _u != 3 else "tré")] = 10 * _k + _u
        WORD_VALUE["it"][stem + unit] = 10 * _k + _u
WORD_VALUE["it"].update({"cento": 100, "mille": 1000, "dozzina": 12, "una dozzina": 12})
for _k, _w in enumerate(_IT_UNITS[2:10], 2):
    WORD_VALUE["it"][_w + "cento"] = 100 * _k
    WORD_VALUE["it"][_w + "mila"] = 1000 * _k
_WORD_NUM = {
    lang: re.compile(
        r"(?<![\w-])(?P<w>" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")"
        r"(?:\s+(?P<hundred>hundred))?(?P<halfpre>\s+and\s+a\s+half)?"
        r"(?:\s+(?P<scale>thousand|million|billion|mila|milioni|miliardi))?"
        r"(?P<half>\s+(?:e\s+mezzo|and\s+a\s+half))?(?![\w])"
        r"(?:\s*(?P<pct>" + _PERCENT + r"))?",
        re.IGNORECASE)
    for lang, table in WORD_VALUE.items()
}


@dataclass(frozen=True)
class Quantity:
    """A number found in text. `value`: a float, or (month, day) for a date. `kind`: "number",
    "percent", "money", "date" or "year"; `unit` the currency (ISO code) of money."""

    value: float | tuple[int, int]
    kind: str
    start: int
    end: int
    text: str
    unit: str | None = None


def parse_number(digits: str, lang: str) -> float:
    """"2.200.112" (it) or "2,200,112" (en) -> 2200112; "1,2" (it) or "1.2" (en) -> 1.2.
    A separator followed by exactly three digits groups thousands in either language when the
    other separator does not appear (so "1.200" in Italian is 1200)."""
    digits = re.sub(r"[ \u00a0\u202f]", "", digits)  # "75 000": thousands grouped by spaces
    thousands, decimal = (".", ",") if lang == "it" else (",", ".")
    if thousands in digits and decimal in digits:
        return float(digits.replace(thousands, "").replace(decimal, "."))
    for sep in (thousands, decimal):
        if sep not in digits:
            continue
        head, *rest = digits.split(sep)
        if len(rest) > 1 or (sep == thousands and len(rest[0]) == 3):
            return float(head + "".join(rest))  # thousands groups (the other convention, if need be)
        return float(f"{head}.{rest[0]}")
    return float(digits)


def quantities(text: str, lang: str = "en") -> list[Quantity]:
    """Every number, amount, percentage, date and year in `text` (Italian or English), in order."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _TIME["it" if lang == "it" else "en"].finditer(text):
        g = m.groupdict()
        hour, minute = int(g.get("h") or g.get("h2")), int(g.get("m") or g.get("m2") or 0)  # type: ignore[arg-type]  # the pattern has h or h2
        if (g.get("ap") or g.get("ap2") or "").lower().startswith("p") and hour < 12:
            hour += 12
        taken.append((m.start(), m.end()))
        found.append(Quantity((hour % 12, minute), "time", m.start(), m.end(), m.group()))
    for rx in (_ISO, _DAY_MONTH, _MONTH_DAY):
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            month = m.group("month")
            month_no = int(month) if month.isdigit() else MONTH[month.lower().rstrip(".")]
            day = int(m.group("day"))
            if not 1 <= day <= 31:
                continue
            taken.append((m.start(), m.end()))
            found.append(Quantity((month_no, day), "date", m.start(), m.end(), m.group()))
            if m.group("year"):
                y = m.start("year")
                found.append(Quantity(float(m.group("year")), "year", y, m.end("year"), m.group("year")))
    for m in _AMOUNT.finditer(text):
        if not free(m.start(), m.end()) or (m.start() > 0 and text[m.start() - 1].isalnum() and not m.group("pre")):
            continue
        num = m.group("num").rstrip(".,")
        try:
            value = parse_number(num, lang)
        except ValueError:
            continue
        if m.group("frac"):
            value += {"¼": 0.25, "½": 0.5, "¾": 0.75}[m.group("frac")]
            num += m.group("frac")
        if lang == "it" and re.fullmatch(r"\d\d", num) and re.search(r"\banni\s*['’]$", text[: m.start()]):
            value += 1900  # "anni '60": the 1960s
        scale = m.group("scale")
        if scale and scale.lower() in ("m", "k") and not (m.group("pre") or m.group("postsym")):
            scale = None  # "5 m" is five metres; "$5m" is five million
        half = bool(scale) and not m.group("pct") and _AND_A_HALF.match(text, m.end())
        if scale:
            value = (value + (0.5 if half else 0)) * SCALE[scale.lower()]
        cur = m.group("pre") or m.group("post") or m.group("postsym")
        end = m.end() if (scale or cur or m.group("pct")) else m.start("num") + len(num)
        if half:
            end = half.end()
        if m.group("pct"):
            kind = "percent"
        elif cur:
            kind = "money"
        elif not scale and re.fullmatch(r"(?:19|20)\d\d", num):
            kind = "year"
        else:
            kind = "number"
        taken.append((m.start(), end))
        found.append(Quantity(value, kind, m.start(), end, text[m.start() : end],
                              CURRENCY[cur.strip().lower()] if cur else None))
    for m in _WORD_NUM["it" if lang == "it" else "en"].finditer(text):
        if not free(m.start(), m.end()) or (lang == "it" and m.group()[0].isupper() and m.start() > 0):
            continue  # "Otto Ritter" is a name
        if lang == "it" and m.group("w").lower() == "sei" and not m.group("scale"):
            continue  # "sei" is also "you are": six only before milioni, miliardi, mila
        value = float(WORD_VALUE["it" if lang == "it" else "en"][m.group("w").lower()])
        if m.group("hundred"):
            value *= 100
        if m.group("half") or m.group("halfpre"):
            value += 0.5
        if m.group("scale"):
            value *= SCALE[m.group("scale").lower()]
        taken.append((m.start(), m.end()))
        found.append(Quantity(value, "percent" if m.group("pct") else "number", m.start(), m.end(), m.group()))
    for m in _BARE_SCALE.finditer(text):  # "milioni di dollari", "billions of dollars"
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            value = _BARE[m.group(1).lower()] * (1.5 if m.group(2) else 1)  # "un milione e mezzo"
            found.append(Quantity(value, "number", m.start(), m.end(), m.group()))
    return sorted(found, key=lambda q: q.start)


# ---- Italian forms left in English text ------------------------------------------------------------

# an abbreviation's period is part of it ("5 mln. di euro"), except at the end, where it ends the sentence too
_IT_SCALED = re.compile(rf"\b(?P<num>{_NUM})\s?(?P<scale>mila|milioni|milione|mln|miliardi|miliardo|mld|mrd)\b(?:(?<=mln|mld|mrd)\.(?!\s*$))?",
                        re.IGNORECASE)
_IT_FULL = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d+(?![.,]?\d)")  # "1.200,50"
_SWAP = str.maketrans({".": ",", ",": "."})
_SCALE_OF = re.compile(r"\b(thousand|million|billion|trillion) of (?=(?:euros?|dollars?|pounds?|crowns?|people|inhabitants|barrels|tons|tonnes)\b)")
_IT_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3})+(?![.,]?\d)")
_IT_DECIMAL = re.compile(r"(?<![\d.,])(\d+),(\d{1,2}|\d{4,})(?![\d.,]*\d)")
_IT_DATE = re.compile(
    r"\b(?P<day>[0-3]?\d)\s+(?:(?P<abbr>gen|feb|mar|apr|mag|giu|lug|ago|sett?|ott|nov|dic)\.|"
    r"(?P<full>gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\b)",
    re.IGNORECASE,
)
# an age written as one word: "un 63enne" (a 63-year-old), "due 20enni" (two 20-year-olds)
_IT_AGE = re.compile(r"\b(?P<age>\d{1,3})(?:-|\s)?(?P<plural>enne|enni)\b", re.IGNORECASE)


def _english_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def italian_forms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, English) of each Italian number or date form in `text`, left to right, not
    overlapping: "15mila" -> "15,000", "1,2 miliardi" -> "1.2 billion", "2.200.112" -> "2,200,112",
    "1,5" -> "1.5", "3 feb." -> "3 February", "63enne" -> "63-year-old". The offline engine protects these spans before
    translating; `englishify` rewrites them in English text."""

    def scaled(m: re.Match) -> str:
        value = parse_number(m.group("num"), "it")
        scale = SCALE[m.group("scale").lower()]
        if scale == 1e3:
            return _english_number(value * 1e3)
        return f"{_english_number(value)} {_SCALE_EN[scale]}"

    def date(m: re.Match) -> str:
        month = MONTH[(m.group("abbr") or m.group("full")).lower()]
        return f"{m.group('day')} {MONTHS_EN[month - 1]}"

    rules = (
        (_IT_AGE, lambda m: f"{m.group('age')}-year-old" + ("s" if m.group("plural").lower() == "enni" else "")),
        (_IT_DATE, date),
        (_IT_FULL, lambda m: m.group().translate(_SWAP)),
        (_IT_SCALED, scaled),
        (_IT_THOUSANDS, lambda m: m.group().replace(".", ",")),
        (_IT_DECIMAL, lambda m: f"{m.group(1)}.{m.group(2)}"),
    )
    found: list[tuple[int, int, str]] = []
    for pattern, english in rules:
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), english(m)))
    return sorted(found)


def englishify(text: str) -> str:
    """English text with the Italian number and date forms a translation left in it rewritten:
    "15mila" -> "15,000", "1,2 miliardi" -> "1.2 billion", "2.200.112" -> "2,200,112",
    "1,5" -> "1.5", "3 feb." -> "3 February". English forms are left as they are."""
    out, last = [], 0
    for start, end, english in italian_forms(text):
        out += [text[last:start], english]
        last = end
    return _SCALE_OF.sub(r"\1 ", "".join(out) + text[last:])  # "1.2 billion of euros" -> "1.2 billion euros"
