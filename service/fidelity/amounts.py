"""Numbers, amounts, percentages and dates of the source missing or different in the translation."""

from __future__ import annotations

import math
import re


# ---- numbers -----------------------------------------------------------------------------------------
def _close(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _values(qs) -> list:
    return [q.value for q in qs]


def _readings(q, text: str, lang: str) -> list:
    """The values `q` may mean: as read, and with the other decimal convention ("2.000" in English
    copy is often 2,000), a plain number also as its value in thousands, millions or billions
    ("da 25 a 55 miliardi" = "from 25 billion to 55 billion")."""
    from ..numbers import parse_number

    out = [q.value]
    digits = re.search(r"\d[\d.,]*\d|\d", q.text)
    if not isinstance(q.value, tuple) and digits and q.kind in ("number", "money", "percent"):
        try:
            other = parse_number(digits.group(), "en" if lang == "it" else "it")
        except ValueError:
            other = None
        if other is not None and not re.search(r"[a-zA-Z]", q.text.replace(digits.group(), "")):
            out.append(other)
    return out


def _same(q, t, src_lang: str) -> bool:
    if q.kind == "time" and not isinstance(t.value, tuple):
        h, m = (int(x) for x in re.findall(r"\d+", q.text)[:2])
        return any(_close(t.value, v) for v in (h * 100 + m, h + m / 100, (h % 12 or 12) + m / 100))
    a = _readings(q, "", src_lang)
    b = _readings(t, "", "en")
    if any(_close(x, y) for x in a for y in b):
        return True
    if q.kind == "number" and not re.search(r"[a-zA-Z]", q.text) and not isinstance(t.value, tuple):
        return any(_close(q.value * s, t.value) for s in (1e3, 1e6, 1e9))
    return False


def _flaggable(q) -> bool:
    """A source quantity whose absence is worth a check: written with digits, or a number word of
    20 and more (a human writes "both" for "tutti e due", "a couple" for "due")."""
    return bool(re.search(r"\d", q.text)) or isinstance(q.value, tuple) or q.value >= 20


def _abbreviated(q, source: str, target: str) -> bool:
    """A number that follows a name, written with the name's initial in the translation ("Formula 1" -> "F1")."""
    name = re.search(r"\b([A-Z])[a-z]+\s+$", source[: q.start])
    if name is None or q.kind != "number":
        return False
    return bool(re.search(r"(?<!\w)" + name.group(1) + re.escape(q.text) + r"(?!\w)", target))


def _decade(q, target: str) -> bool:
    """The end of a decade "tra il 1850 e il 1860" the translation writes as "the 1850s"."""
    return bool(re.fullmatch(r"1\d\d0|20\d0", q.text)) and f"{int(q.text) - 10}s" in target and q.text not in target


def number_checks(source: str, target: str, lang: str = "it") -> list[tuple[str, str]]:
    """(span, message) for each quantity of the source the translation lacks, named after what the
    translation has in its place when there is one."""
    from ..numbers import quantities

    src = quantities(source, lang)
    left = list(quantities(target, "en"))
    missing = []
    for q in src:
        if not source[: q.start].strip() and source[q.end: q.end + 1] in (".", ")") and q.kind == "number":
            continue  # "8. ..." numbers a list item
        hit = next((t for t in left if _same(q, t, lang)), None)
        if hit is None and (_abbreviated(q, source, target) or _decade(q, target)):
            continue
        if hit is None:
            missing.append(q)
        else:
            left.remove(hit)
    out = []
    for q in missing:
        other = next((t for t in left if t.kind == q.kind and (_flaggable(q) or re.search(r"\d", t.text))), None)
        if not _flaggable(q) and other is None:
            continue  # "due" rendered "both"; but "quattro mesi" read as "5-month" is a change
        if other is not None:
            left.remove(other)
            out.append((other.text, f"'{q.text}' in the source reads '{other.text}' in the translation"))
        else:
            out.append((q.text, f"'{q.text}' of the source is not in the translation"))
    return out
