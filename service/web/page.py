"""The staff page itself: `build_app`, the Gradio Blocks layout over one Pipeline, its event
handlers (run, show, upload, corrections) and the queue that makes requests take turns."""

from __future__ import annotations

import atexit
import html
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..config import ENGINES, SEED
from ..documents import SUFFIXES, describe
from ..errors import BriefsError
from .rendering import (
    _article,
    _lines,
    _md,
    _meta,
    _progress_reporter,
    _short,
    _source_paragraphs,
    _tier_label,
    _warnings_html,
    _write_downloads,
    staff_message,
)

SEED_LABEL = "Italian news: critical-minerals conference in Washington (askanews)"
UPLOAD_TYPES = list(SUFFIXES)  # briefs.documents: the one table of formats
_log = logging.getLogger("briefs.web")


def _no_phoning_home() -> None:
    """Before gradio is imported: no telemetry, no version check, no cached-example runs at start."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_CACHE_EXAMPLES", "false")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def build_app(pipeline, *, concurrency: int = 1, queue_size: int = 100, max_batch: int = 1):
    """The Blocks page over `pipeline` (shared by every request). Not launched.

    `concurrency` is how many pipeline runs go at once; the default 1 is deliberate: a run already
    uses every CPU core, and transformers' fast tokenizers are not safe to call from two threads at
    once ("Already borrowed"). Waiting requests queue (at most `queue_size`) and see their place.
    With `max_batch` > 1 requests that arrive together run as one batch (service/batcher.py: one
    pipeline thread, shared decoder passes); up to 2 * max_batch requests are let through to it, so
    a request waits behind at most one batch."""
    _no_phoning_home()
    import gradio as gr

    from ..render import LANGUAGE_NAMES, fidelity_html, language_name, side_by_side_html
    from ..summarize import load_tiers

    config = pipeline.config
    tiers = load_tiers(config.prompts_dir, config.tiers)
    all_tiers = {t.name: t for t in load_tiers(config.prompts_dir)}
    languages = [("auto-detect", "auto")] + [
        (f"{language_name(code)} ({code})", code)
        for code in sorted({*config.mt_models, "en", *(c for c in LANGUAGE_NAMES if config.mt_model_for(c))})
    ]
    outdir = Path(tempfile.mkdtemp(prefix="briefs-web-"))
    atexit.register(shutil.rmtree, outdir, ignore_errors=True)
    seed = SEED.read_text(encoding="utf-8") if SEED.is_file() else None
    if max_batch > 1:
        from ..batcher import Batcher

        batcher = Batcher(pipeline, max_batch=max_batch)
        run_one, concurrency = batcher.run, 2 * max_batch
    else:
        batcher, run_one = None, pipeline.run

    def brief(text: str, file: str | None = None, source_lang: str = "auto", tier_names: list[str] | None = None,
              engine: str | None = None, progress=gr.Progress()) -> dict:
        """Translate and brief one article. Inputs: the article `text` (or a .txt/.html/.docx `file`,
        which wins when given), `source_lang` ('auto' or an ISO code), `tier_names` (subset of the
        tiers; empty: translation only), `engine` (auto, neural or offline). Returns the JSON result."""
        t0 = time.perf_counter()
        try:
            article = _article(text, file, config.max_chars)
            result = run_one(
                article,
                source_lang=None if source_lang in (None, "", "auto") else source_lang,
                tiers=list(tier_names) if tier_names is not None else None,
                engine=engine or None,
                progress=_progress_reporter(progress, len(tier_names) if tier_names is not None else len(tiers)),
            )
        except BriefsError as err:
            _log.info("request refused: %s", err)
            raise gr.Error(staff_message(err), duration=None, print_exception=False) from None
        except Exception as err:  # noqa: BLE001 - the page shows one line, the log keeps the traceback
            _log.exception("request failed")
            message = html.escape(" ".join(f"unexpected error: {type(err).__name__}: {err}".split()))
            raise gr.Error(message, duration=None, print_exception=False) from None
        _log.info("brief: %d chars in %.1f s", result.source.chars, time.perf_counter() - t0)
        return result.to_dict()

    def show(result: dict, text: str, file: str | None):
        """Everything on the page after a run, from the JSON result."""
        source_text = _article(text, file, config.max_chars) if (text or file) else ""
        src = result["source"]
        warnings = list(result.get("warnings") or [])
        briefs = {b["tier"]: b for b in result["briefs"]}
        md_path, json_path, docx_path = _write_downloads(outdir, result, source_text)
        updates = [
            gr.HTML(value=_warnings_html(warnings), visible=bool(warnings)),
            (f"**Detected language:** {_md(language_name(src['language']))} ({_md(src['language'])}), "
             f"confidence {src['confidence']:.2f} · {src['paragraphs']} paragraphs · {src['chars']:,} characters"
             + (f" · also contains: {_md(', '.join(src['mixed_languages']))}" if src["mixed_languages"] else "")),
            side_by_side_html(result, _source_paragraphs(source_text, config.max_chars), language_name(src["language"])),
            result["translation"]["text"],
        ]
        for name, tier in all_tiers.items():
            b = briefs.get(name)
            updates.append(gr.Textbox(value=b["text"] if b else "", visible=b is not None,
                                      label=f"{_tier_label(tier)} · {b['words']} words" if b else _tier_label(tier)))
        updates.append(fidelity_html(result))
        updates.append(_meta(result))
        updates.append(gr.DownloadButton(value=str(md_path), visible=True))
        updates.append(gr.DownloadButton(value=str(json_path), visible=True))
        updates.append(gr.DownloadButton(value=str(docx_path), visible=True))
        return updates

    memory_on = bool(config.memory)

    def sentences_of(result: dict, text: str, file: str | None, engine: str | None = None):
        """The article's sentence pairs (from the memory the run just filled) for the correction box."""
        if not memory_on or not result:
            return [], gr.Dropdown(choices=[], value=None), ""
        try:
            article = _article(text, file, config.max_chars)
            given = result["translation"].get("sentences") or []  # the result's sentence alignment, if any
            if given and all("source" in p and "text" in p for p in given):
                pairs = [dict(p, id=k) for k, p in enumerate(given)]
            else:
                pairs = pipeline.sentence_pairs(article, source_lang=result["source"]["language"],
                                                engine=engine or None)
            memory = pipeline.translation_memory()
            people = memory.human(p["source"] for p in pairs)
            close = pipeline.suggestions([p["source"] for p in pairs])
        except BriefsError as err:
            raise gr.Error(" ".join(str(err).split()), print_exception=False) from None
        for p in pairs:
            p["language"] = result["source"]["language"]
        choices = [(f"{p['id'] + 1}. {_short(p['source'])}" + (" [corrected]" if p["source"] in people else "")
                    + (" [suggestion]" if p["source"] in close else ""), p["id"]) for p in pairs]
        note = (f"{len(people)} of {len(pairs)} sentences come from editors' corrections; "
                f"{len(close)} have a close match (suggestion)." if pairs else "")
        return pairs, gr.Dropdown(choices=choices, value=pairs[0]["id"] if pairs else None), note

    def pick_sentence(pairs: list, picked):
        """The picked sentence: its source, its English to edit, and close human entries."""
        pair = next((p for p in pairs or [] if p["id"] == picked), None)
        if pair is None:
            return "", "", "", "it"
        close = pipeline.suggestions([pair["source"]]).get(pair["source"], [])
        hints = "\n".join(f"- **Suggestion ({s.score:.0f}% match{', by ' + s.author if s.author else ''}):** "
                           f"{_md(s.target)}  \n  *for:* {_md(s.source)}" for s in close)
        return pair["source"], pair["text"], hints, pair["language"]

    def correct(source: str, text: str, who: str = "", language: str = "it", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Store an editor's translation of one source sentence in the translation memory: it wins
        over machine output from now on. Inputs: `source` (the sentence as the article has it),
        `text` (its English), `who` (the editor; default the logged-in user), `language` (ISO code).
        Returns the stored entry."""
        who = (who or "").strip() or (getattr(request, "username", None) or "")
        try:
            entry = pipeline.correct(source, text, who=who, language=language or "it")
        except BriefsError as err:
            raise gr.Error(" ".join(str(err).split()), print_exception=False) from None
        _log.info("correction by %s: %s", entry.author, entry.source[:80])
        return entry.as_dict()

    def load_file(file: str | None):
        """An uploaded file's text goes into the article box, where it can be checked and edited;
        a file that cannot be read is removed from the page (so it cannot win over pasted text)
        and the note under it says why."""
        if not file:
            return gr.Textbox(), None, gr.HTML(value="", visible=False)
        try:
            return _article("", file, config.max_chars), None, gr.HTML(value="", visible=False)
        except BriefsError as err:
            message = staff_message(err)
            _log.info("upload refused: %s", err)
            gr.Warning(message, duration=None)
            note = (f'<div role="alert" style="color:#8a1c1c">The file {html.escape(Path(file).name)} was not used: '
                    f"{message}</div>")
            return gr.Textbox(), None, gr.HTML(value=note, visible=True)

    def clear_result():
        """Before each run: the previous result leaves the page (a failed run shows none)."""
        return [gr.HTML(value="", visible=False), "Working…", "", "", *[gr.Textbox(value="") for _ in brief_boxes],
                "", "", gr.DownloadButton(visible=False), gr.DownloadButton(visible=False), None]

    with gr.Blocks(title="Briefs: English translation and briefs", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as app:
        gr.Markdown("## Briefs\nPaste a foreign-language news article (or upload one) to get the English "
                    "translation and short English briefs.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=360):
                text = gr.Textbox(label="Article", lines=14, max_lines=30, elem_id="article",
                                  placeholder="Paste the article here (plain text or HTML)…")
                file = gr.File(label=f"…or upload {describe()}", file_types=UPLOAD_TYPES,
                               type="filepath", height=120, elem_id="upload")
                upload_note = gr.HTML(visible=False, elem_id="upload-note")
                with gr.Row():
                    source_lang = gr.Dropdown(languages, value="auto", label="Source language",
                                              allow_custom_value=True, elem_id="source-lang")
                    engine = gr.Radio(list(ENGINES), value=config.engine, label="Engine",
                                      elem_id="engine",
                                      info="auto: neural models when available, else the offline engines")
                tier_box = gr.CheckboxGroup([(_tier_label(t), t.name) for t in all_tiers.values()],
                                            value=[t.name for t in tiers], label="Briefs", elem_id="tiers")
                run = gr.Button("Run", variant="primary", elem_id="run")
                status = gr.Markdown("", elem_id="status", min_height=40)  # progress shows here, by Run
                if seed:
                    gr.Examples([[seed]], inputs=[text], label="Example (one click fills the box)",
                                example_labels=[SEED_LABEL],
                                cache_examples=False, api_visibility="private")
            with gr.Column(scale=3, min_width=420):
                banner = gr.HTML(visible=False, elem_id="warnings")
                detected = gr.Markdown("Results appear here.", elem_id="detected")
                brief_boxes = [
                    gr.Textbox(label=_tier_label(t), lines=_lines(t), max_lines=60, autoscroll=False,
                               interactive=False, buttons=["copy"],
                               elem_id=f"brief-{t.name}", visible=t.name in {x.name for x in tiers})
                    for t in all_tiers.values()
                ]
                with gr.Row():
                    md_file = gr.DownloadButton("Download Markdown", visible=False, size="sm", elem_id="download-md")
                    json_file = gr.DownloadButton("Download JSON", visible=False, size="sm", elem_id="download-json")
                    docx_file = gr.DownloadButton("Download Word", visible=False, size="sm", elem_id="download-docx")
                fidelity = gr.HTML(elem_id="fidelity")  # briefs with their sources and flags, the checks
                meta = gr.Markdown(elem_id="meta")
        gr.Markdown("### Translation, paragraph by paragraph")
        side = gr.HTML(elem_id="translation", min_height=80)
        with gr.Accordion("English translation as one text", open=False):
            english = gr.Textbox(show_label=False, lines=12, interactive=False, buttons=["copy"], elem_id="english")
        with gr.Accordion("JSON result (what the /brief API returns)", open=False):
            result_json = gr.JSON(label="result", elem_id="result-json")
        if memory_on:
            with gr.Accordion("Correct the translation", open=True, elem_id="corrections"):
                gr.Markdown("Pick a sentence, edit its English and save: from then on the translation memory "
                            "gives your version for that sentence, on every page, command and job, and the "
                            "briefs are made again from the corrected translation.")
                pairs_state = gr.State([])
                memory_note = gr.Markdown(elem_id="correct-note")
                pick = gr.Dropdown(choices=[], label="Sentence", elem_id="correct-pick", interactive=True)
                original = gr.Textbox(label="Source sentence", interactive=False, lines=2, elem_id="correct-source")
                fixed = gr.Textbox(label="English (edit here)", lines=3, elem_id="correct-text")
                hints = gr.Markdown(elem_id="correct-suggestions")
                with gr.Row():
                    editor = gr.Textbox(label="Your name", elem_id="correct-who", scale=2)
                    save = gr.Button("Save correction and rerun", variant="primary", elem_id="correct-save", scale=1)
                language_box = gr.Textbox(visible=False)
                stored = gr.JSON(visible=False)

        file.upload(load_file, inputs=[file], outputs=[text, file, upload_note], api_visibility="private")
        result_parts = [banner, detected, side, english, *brief_boxes, fidelity, meta, md_file, json_file, result_json]
        shown_on_page = [banner, detected, side, english, *brief_boxes, fidelity, meta, md_file, json_file, docx_file]
        running = run.click(clear_result, outputs=result_parts, api_visibility="private", queue=False).then(
            brief, inputs=[text, file, source_lang, tier_box, engine], outputs=[result_json],
            api_name="brief", show_progress_on=[status, *brief_boxes], concurrency_limit=concurrency,
            concurrency_id="pipeline",
        )
        shown = running.success(
            show, inputs=[result_json, text, file], outputs=shown_on_page, api_visibility="private", queue=False,
        )
        running.failure(lambda: "No result: see the message for why.", outputs=[detected],
                        api_visibility="private", queue=False)
        if memory_on:
            pair_outputs = [pairs_state, pick, memory_note]
            shown.success(sentences_of, inputs=[result_json, text, file, engine], outputs=pair_outputs,
                          api_visibility="private", concurrency_limit=concurrency, concurrency_id="pipeline")
            pick.change(pick_sentence, inputs=[pairs_state, pick], outputs=[original, fixed, hints, language_box],
                        api_visibility="private", queue=False)
            save.click(
                correct, inputs=[original, fixed, editor, language_box], outputs=[stored], api_name="correct",
            ).success(
                brief, inputs=[text, file, source_lang, tier_box, engine], outputs=[result_json],
                api_visibility="private", show_progress_on=[status, *brief_boxes], concurrency_limit=concurrency,
                concurrency_id="pipeline",
            ).success(
                show, inputs=[result_json, text, file], outputs=shown_on_page, api_visibility="private", queue=False,
            ).success(sentences_of, inputs=[result_json, text, file, engine], outputs=pair_outputs,
                      api_visibility="private", concurrency_limit=concurrency, concurrency_id="pipeline")
    app.queue(max_size=queue_size, default_concurrency_limit=concurrency)
    app.batcher = batcher  # None when requests run one at a time
    return app
