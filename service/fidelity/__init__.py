"""The fidelity report: rule-based checks that show an editor where a translation or a brief may
have gone wrong, and the attribution of every brief to the translation sentences it comes from.

Rules only (no model), so the report works with every engine and offline. Each check is
`{"kind", "where", "sentence", "text", "message"}`:

- `where` is "translation" or "brief:TIER";
- `sentence` is the translation sentence id (where="translation") or the index of the brief's
  sentence or bullet (where="brief:…"), None when the check is about the whole text;
- `text` is the flagged span as it reads in the English (or, for something missing, in the source).

Kinds, translation side: number (a number, amount, percentage or date of the source missing or
different), name (a name of the source dropped or changed), untranslated (a source word copied, or a
third-language word a pivot left), dropped (a source sentence with no translation), length (far
shorter or longer than its source), repeat (an n-gram loop). Brief side: unsupported (a brief
sentence no article sentence supports), invented (a number or name that is nowhere in the article).
"""


from .amounts import _close, _flaggable, _readings, _same, _values, number_checks
from .briefs import attribute, brief_report, brief_units, report
from .cli import main, register
from .names import EXONYMS, Name, _present, _source_names, _translatable, _zipf, name_checks, names
from .pairs import align, check_texts, pair_checks, translation_checks
from .words import KINDS, STOP_WORDS, Check, content_words, fold, loops

__all__ = ["EXONYMS", "KINDS", "STOP_WORDS", "Check", "Name", "align", "attribute", "brief_report", "brief_units",
           "check_texts", "content_words", "fold", "loops", "main", "name_checks", "names", "number_checks",
           "pair_checks", "register", "report", "translation_checks", "_close", "_flaggable", "_present",
           "_readings", "_same", "_source_names", "_translatable", "_values", "_zipf"]
