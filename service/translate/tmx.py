"""TMX import and export of the translation memory (translate-toolkit): `briefs memory import|export`.

`export_tmx` writes entries as a TMX 1.4 document (who and when as creationid/creationdate, the
origin, engine key and replaced output as <prop>s); `read_tmx` reads them back, and reads a CAT
tool's units (no briefs props) as human translations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Iterable

from ..errors import BadInput
from .memory_store import HUMAN, MACHINE, Entry

PROP_ORIGIN, PROP_ENGINE, PROP_REPLACED = "x-briefs-origin", "x-briefs-engine", "x-briefs-replaced"


def export_tmx(entries: Iterable[Entry], source_lang: str = "it", target_lang: str = "en") -> bytes:
    """A TMX 1.4 document of `entries`: who and when as the TMX creationid/creationdate attributes,
    the origin, engine key and replaced output as <prop>s, so an import gives back every entry."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    tmx = tmxfile(sourcelanguage=source_lang, targetlanguage=target_lang)
    for e in entries:
        unit = tmx.addsourceunit(e.source)
        unit.target = e.target
        tu = unit.xmlelement
        if e.author:
            tu.set("creationid", e.author)
        if e.created:
            tu.set("creationdate", _tmx_date(e.created))
        first_tuv = tu.find(unit.namespaced(unit.languageNode))
        for kind, value in ((PROP_ORIGIN, e.origin), (PROP_ENGINE, e.engine), (PROP_REPLACED, e.replaced)):
            if value:
                prop = etree.Element(unit.namespaced("prop"))
                prop.set("type", kind)
                prop.text = value
                first_tuv.addprevious(prop)
    return bytes(tmx)


def read_tmx(data: bytes) -> list[Entry]:
    """Entries of a TMX document: ours come back as they were exported; a CAT tool's units (no
    briefs props) are human translations, by their creationid/changeid and dates."""
    from translate.storage.tmx import tmxfile

    try:
        tmx = tmxfile.parsestring(data)
    except Exception as err:  # noqa: BLE001 - lxml and the toolkit raise several kinds
        raise BadInput(f"not a TMX file: {' '.join(str(err).split())[:200]}") from None
    out = []
    for unit in tmx.units:
        source, target = (unit.source or "").strip(), (unit.target or "").strip()
        if not source or not target:
            continue
        tu = unit.xmlelement
        props = {p.get("type"): p.text or "" for p in tu.iter(unit.namespaced("prop"))}
        origin = props.get(PROP_ORIGIN) or HUMAN
        if origin not in (HUMAN, MACHINE):
            origin = HUMAN
        engine = props.get(PROP_ENGINE, "")
        if origin == MACHINE and not engine:
            origin = HUMAN
        date = tu.get("changedate") or tu.get("creationdate")
        out.append(Entry(source, target, origin, engine,
                         tu.get("creationid") or tu.get("changeid") or (None if origin == MACHINE else "tmx import"),
                         _iso_date(date) if date else None, props.get(PROP_REPLACED) or None))
    return out


def _tmx_date(iso: str) -> str:
    """ISO 8601 -> TMX's YYYYMMDDThhmmssZ (UTC)."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso_date(tmx_date: str) -> str | None:
    try:
        return datetime.strptime(tmx_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()
    except ValueError:
        return None

