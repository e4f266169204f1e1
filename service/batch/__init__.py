"""`briefs batch INPUT OUTPUT`: translate (and brief) whole archives, resumably.

A thin shell over `Pipeline.run_many`: documents are read one at a time, grouped into batches, and
each batch goes through the pipeline in one call (so the sentences of all its documents are
translated together). Around that sit the parts a long job needs:

- readers for JSONL, CSV and directories of .txt/.md/.html files, streaming (a 1,000,000-line input
  is never read whole); a bad line becomes an error line in OUTPUT, never the end of the job;
- `OutputWriter`: JSONL, one line per input item, each batch written with one write + fsync, a
  partial last line (a job killed mid-write) cut off on the next run, ids already there skipped;
- the translation memory (translate/memory.py, the one every command uses: --memory, else
  $BRIEFS_MEMORY, else the default file; OUTPUT.tm.sqlite when BRIEFS_MEMORY=off): sentences already
  translated by the same engine, or corrected by an editor, come from it; only misses reach the engine;
- two runners over the same `Worker`: `local` (this process) and `ray` (Ray Data actors, each
  building its Pipeline once; results come back to the driver and go through the same writer).

Exit codes: 0 every item succeeded; 4 some items failed (their errors are in OUTPUT) or the input
has duplicate ids; 2 the input file is unusable (missing, unreadable, not JSONL/CSV/directory).

Modules: `sources` (readers), `writer` (OutputWriter), `job` (Worker, run_job, the local runner),
`ray_runner`, `command` (the sub-command); the translation memory is `briefs.translate.memory`.
"""

from __future__ import annotations

from ..translate.memory import MemoryStats, MemoryTranslator, TranslationMemory, engine_key
from .command import main, register
from .job import DEFAULT_BATCH, JobOptions, JobSpec, Outcome, Summary, Worker, error_outcome, run_job
from .sources import (
    DOC_SUFFIXES,
    JSONL_SUFFIXES,
    CsvSource,
    DirSource,
    Item,
    JsonlSource,
    Source,
    item_key,
    open_source,
)
from .writer import OutputWriter

__all__ = [
    "DEFAULT_BATCH", "DOC_SUFFIXES", "JSONL_SUFFIXES", "CsvSource", "DirSource", "Item",
    "JobOptions", "JobSpec", "JsonlSource", "MemoryStats", "MemoryTranslator", "Outcome", "OutputWriter",
    "Source", "Summary", "TranslationMemory", "Worker", "engine_key", "error_outcome", "item_key", "main",
    "open_source", "register", "run_job",
]
