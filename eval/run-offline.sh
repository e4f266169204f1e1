#!/usr/bin/env bash
# Regenerate the committed reports of the offline engines (apertium + extractive): a few minutes on 2 cores.
# Usage: eval/run-offline.sh [extra briefs options, e.g. --extractive minilm]
set -euo pipefail
cd "$(dirname "$0")/.."
BRIEFS=${BRIEFS:-.venv/bin/briefs}
D=eval/data/mt
$BRIEFS eval summaries --engine offline "$@"
for half in tune test; do  # tuned on one half, reported on the other (README)
    $BRIEFS eval summaries --engine offline --half $half --out eval/reports/summaries-summeval-cnndm-100-$half "$@"
done
HEADLINES=../shared/data/headlines/bbc-dev-200.jsonl  # research use: read in place, reports kept out of the repo
if [ -f "$HEADLINES" ]; then
    for half in tune test; do
        $BRIEFS eval headlines --engine offline --half $half --data "$HEADLINES" --out "${TMPDIR:-/tmp}/briefs-headlines-$half" "$@"
    done
fi
$BRIEFS eval mt --engine offline --source $D/newssyscomb2009.ita --reference $D/newssyscomb2009.eng "$@"
$BRIEFS eval mt --engine offline --source $D/flores200-devtest.ita --reference $D/flores200-devtest.eng \
    --metadata $D/flores200-devtest.metadata.tsv "$@"
$BRIEFS eval mt --engine offline --source $D/flores200-devtest.ita --reference $D/flores200-devtest.eng \
    --metadata $D/flores200-devtest.metadata.tsv --domain wikinews "$@"
$BRIEFS eval crosslingual --engine offline "$@"
