"""The bench report as a human table (`briefs bench` without --json)."""

from __future__ import annotations


def table(report: dict) -> str:
    if "service" not in report["paths"]:  # --only-batch
        return "\n".join(_batch_lines(report) + [_machine_line(report), _goals_line(report)])
    paths = report["paths"]
    svc, base = paths["service"], paths.get("baseline")
    speed = report.get("speedup", {})
    rows = [
        ("MT output tokens/s", "output_tokens_per_s", "{:.0f}", speed.get("mt_output_tokens_per_s")),
        ("MT source tokens/s", "source_tokens_per_s", "{:.0f}", speed.get("mt_output_tokens_per_s")),
        ("MT sentences/s", "sentences_per_s", "{:.2f}", speed.get("mt_output_tokens_per_s")),
        ("translate (s)", "translate_s", "{:.2f}", speed.get("translate")),
        ("summarize, four tiers (s)", "summarize_s", "{:.2f}", speed.get("summarize")),
        ("seed article end to end (s)", "end_to_end_s", "{:.2f}", speed.get("end_to_end")),
        ("peak RSS (MiB)", "peak_rss_mb", "{:.0f}", None),
    ]
    head = ["", "baseline", "service", "speed-up"] if base else ["", "service"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key, fmt, ratio in rows:
        cells = [label] + ([fmt.format(base[key])] if base else []) + [fmt.format(svc[key])]
        if base:
            cells.append(f"{ratio:.1f}x" if ratio else "")
        lines.append("| " + " | ".join(cells) + " |")
    s, i = report["settings"], report["input"]
    out = ["\n".join(lines), ""]
    out.append(f"input: {i['file']}, {i['words']} words, {i['sentences']} sentences, {svc['source_tokens']} source "
               f"tokens -> {svc['output_tokens']} output tokens (fixed); summaries read {svc['summary_input_tokens']} tokens")
    out.append(f"service: MT {svc['backends']['mt']} (beam {s['mt_beams']}), summarizer {svc['backends']['summarizer']} "
               f"(beam {s['summary_beams']}); median of {s['repeat']} runs {svc['end_to_end_runs_s']}")
    out.append(f"tiers at their longest {s['tier_tokens']} tokens (above); at their shortest "
               f"{s['tier_tokens_shortest']}: summarize {svc['summarize_shortest_tiers_s']:.2f} s, "
               f"end to end {svc['end_to_end_shortest_tiers_s']:.2f} s")
    out.append(f"summaries: {s['summary_workload']}")
    if "summary_pass" in svc:
        p = svc["summary_pass"]
        real = p.get("tokens_per_call_real_summaries")
        out.append(f"prompt-lookup drafts ({s['summary_lookup']} tokens): {p['tokens']} summary tokens in "
                   f"{p['decoder_calls']} decoder calls ({p['tokens_per_call']:.2f} a call"
                   + (f"; {real:.2f} on BART's real SummEval summaries" if real else "") + ")")
    out.append(f"summaries that copy nothing (worst case): summarize {svc['summarize_no_copy_s']:.2f} s, "
               f"end to end {svc['end_to_end_no_copy_s']:.2f} s")
    if base:
        out.append(f"baseline: MT {base['backends']['mt']}; summarizer {base['backends']['summarizer']}")
        out.append(f"peak RSS: the service path ran first ({svc['rss_before_mb']:.0f} MiB before loading); the "
                   f"baseline's figure includes the service's models ({base['rss_before_mb']:.0f} MiB before loading its own)")
    if "rss_growth" in report:
        g = report["rss_growth"]
        out.append(f"RSS over {g['articles']} consecutive articles: {g['rss_first_mb']:.0f} MiB after the first, "
                   f"{g['rss_settled_mb']:.0f} after a tenth, {g['rss_last_mb']:.0f} after the last "
                   f"(growth {g['growth_mb']:+.0f} MiB)")
    out += _batch_lines(report)
    out.append(_machine_line(report))
    out.append(_goals_line(report))
    return "\n".join(out)


def _machine_line(report: dict) -> str:
    s, m = report["settings"], report["machine"]
    return (f"machine: {m['cpu']}, {m['cores']} cores, torch {m['torch_threads']} threads, device {s['device']}; "
            f"load average {m['load_avg_start'][0]} at start, {m['load_avg_end'][0]} at end; {report['wall_s']:.0f} s in all")


def _goals_line(report: dict) -> str:
    return "goals: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in report["goals"].items())


def _batch_lines(report: dict) -> list[str]:
    out = []
    if "batch" in report:
        b = report["batch"]
        out.append(f"batch, {b['articles']} seed-size articles (translation + four tiers): one at a time "
                   f"{b['one_at_a_time_articles_per_min']:.1f} articles/min ({b['one_at_a_time_s']:.1f} s), batched "
                   f"{b['batched_articles_per_min']:.1f} articles/min ({b['batched_s']:.1f} s): {report['batch_speedup']:.2f}x; "
                   f"same briefs {b['same_briefs']:.0%}, same translation {b['same_translation']:.0%}")
    if "decoder_calls" in report:
        calls = report["decoder_calls"]
        out.append(f"summarizer decoder call ({calls[0]['source_tokens']} source tokens), rows x tokens a row: "
                   + "; ".join(f"{d['rows']}x{d['tokens_per_row']} {d['ms_per_call']:.1f} ms ({d['ms_per_token']:.2f} a token)"
                               for d in calls))
    if "concurrent" in report:
        c = report["concurrent"]
        q, b = c["queued"], c["batched"]
        out.append(f"{c['requests']} concurrent requests: queued (one at a time) median {q['median_s']:.1f} s, max "
                   f"{q['max_s']:.1f} s; batched median {b['median_s']:.1f} s, max {b['max_s']:.1f} s (batches {b['batches']}): "
                   f"median {report['concurrent_median_speedup']:.2f}x lower; one request alone {c['single_request_s']:.1f} s, "
                   f"allowed max {c['max_allowed_s']:.1f} s")
    return out
