"""Helpers of seq2seq's shared greedy pass: prompt-lookup drafts and the end-token watch.

`_ngram_index` and `_draft` guess the next tokens of a summary from the article (the last 3, 2 or
1 tokens written, found in the article, and what follows them there); the pass checks the guess
in the decoder call that computes the next token (`Seq2SeqSummarizer._lookup_pass`, the
`seq2seq` module docstring). `_EndWatch` is the logits processor that notes where each tier may
end. bench/copying.py measures the drafts on real summaries.
"""

from __future__ import annotations


def _ngram_index(source: list[int], longest: int = 3) -> dict[tuple[int, ...], int]:
    """For every run of 1 to `longest` tokens in the article, the position just after its first
    occurrence (news summaries copy mostly from the top of the article)."""
    index: dict[tuple[int, ...], int] = {}
    for n in range(1, longest + 1):
        for j in range(len(source) - n + 1):
            index.setdefault(tuple(source[j:j + n]), j + n)
    return index


def _draft(index: dict[tuple[int, ...], int], source: list[int], out: list[int], k: int) -> list[int]:
    """Up to k tokens that follow, in the article, the longest (3, 2 or 1 token) ending of `out`."""
    if k <= 0:
        return []
    for n in (3, 2, 1):
        if len(out) >= n:
            after = index.get(tuple(out[-n:]))
            if after is not None and after < len(source):
                return source[after:after + k]
    return []


class _EndWatch:
    """A logits processor (last in line): notes each step where the end token has the best score,
    then keeps it out until `hold_until` new tokens exist, as min_new_tokens would."""

    def __init__(self, eos: int | list[int], hold_until: int):
        self.eos = eos[0] if isinstance(eos, (list, tuple)) else eos
        self.hold_until = hold_until
        self.steps: list[int] = []

    def __call__(self, input_ids, scores):
        step = input_ids.shape[-1] - 1  # new tokens so far (after the decoder start token)
        if int(scores[0].argmax()) == self.eos:
            self.steps.append(step)
        if step < self.hold_until:
            scores[:, self.eos] = float("-inf")
        return scores
