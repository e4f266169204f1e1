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

_NUM = r"\d+(?:[.,]\d+)*"
_SCALES = "|".join(sorted((re.escape(s) for s in SCALE), key=len, reverse=True))
_CUR_WORDS = "|".join(sorted((re.escape(c) for c in CURRENCY if c.isalpha()), key=len, reverse=True))
_MONTH_WORDS = "|".join(sorted(MONTH, key=len, reverse=True))

_AMOUNT = re.compile(
    rf"(?P<pre>[€$£]\s?)?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALES})\b)?"
    rf"(?:\s*(?P<pct>{_PERCENT}))?"
    rf"(?:\s?(?:di\s+|of\s+)?(?P<post>{_CUR_WORDS})\b|\s?(?P<postsym>[€$£]))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_WORDS})\b\.?(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH_WORDS})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


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
        if not free(m.start(), m.end()) or (m.start() > 0 and (text[m.start() - 1].isalnum())):
            continue
        num = m.group("num").rstrip(".,")
        try:
            value = parse_number(num, lang)
        except ValueError:
            continue
        scale = m.group("scale")
        if scale and scale.lower() in ("m", "k") and not (m.group("pre") or m.group("postsym")):
            scale = None  # "5 m" is five metres; "$5m" is five million
        if scale:
            value *= SCALE[scale.lower()]
        cur = m.group("pre") or m.group("post") or m.group("postsym")
        end = m.end() if (scale or cur or m.group("pct")) else m.start("num") + len(num)
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
    return sorted(found, key=lambda q: q.start)


# ---- Italian forms left in English text ------------------------------------------------------------

_IT_SCALED = re.compile(rf"\b(?P<num>{_NUM})\s?(?P<scale>mila|milioni|milione|mln|miliardi|miliardo|mld|mrd)\b\.?", re.IGNORECASE)
_IT_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3})+(?![.,]?\d)")
_IT_DECIMAL = re.compile(r"(?<![\d.,])(\d+),(\d{1,2}|\d{4,})(?![\d.,]*\d)")
_IT_DATE = re.compile(
    r"\b(?P<day>[0-3]?\d)\s+(?:(?P<abbr>gen|feb|mar|apr|mag|giu|lug|ago|sett?|ott|nov|dic)\.|"
    r"(?P<full>gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\b)",
    re.IGNORECASE,
)


def _english_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def englishify(text: str) -> str:
    """English text with the Italian number and date forms a translation left in it rewritten:
    "15mila" -> "15,000", "1,2 miliardi" -> "1.2 billion", "2.200.112" -> "2,200,112",
    "1,5" -> "1.5", "3 feb." -> "3 February". English forms are left as they are."""

    def scaled(m: re.Match) -> str:
        value = parse_number(m.group("num"), "it")
        scale = SCALE[m.group("scale").lower()]
        if scale == 1e3:
            return _english_number(value * 1e3)
        return f"{_english_number(value)} {_SCALE_EN[scale]}"

    def date(m: re.Match) -> str:
        month = MONTH[(m.group("abbr") or m.group("full")).lower()]
        return f"{m.group('day')} {MONTHS_EN[month - 1]}"

    text = _IT_DATE.sub(date, text)
    text = _IT_SCALED.sub(scaled, text)
    text = _IT_THOUSANDS.sub(lambda m: m.group().replace(".", ","), text)
    return _IT_DECIMAL.sub(r"\1.\2", text)
