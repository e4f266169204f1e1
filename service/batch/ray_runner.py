"""The Ray runner: Ray Data actors, each building its Pipeline once; results come back to the
driver and go through the same writer."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from typing import Any

from ..errors import BriefsError, EngineUnavailable
from ..translate.memory import open_memory
from .job import JobOptions, JobSpec, Outcome, Summary, Worker, _bar, _Plan, _tick, _write_errors
from .sources import Item, Source
from .writer import OutputWriter


def run_ray(source: Source, writer: OutputWriter, spec: JobSpec, options: JobOptions, plan: _Plan,
             summary: Summary) -> None:
    """The driver reads the input once (keys only) to skip done and duplicate ids and to cut the
    rest into shards; Ray Data reads each shard's documents in tasks on the driver's node (where
    INPUT is), translates them in `concurrency` actors that each build the Pipeline once, and streams
    the output lines back to the driver, which writes them with the same crash-safe writer."""
    bad: list[Item] = []
    shards: list[dict] = []
    shard_size = options.batch_size  # a shard is one block of one batch: blocks are what Ray spreads over actors
    todo = 0
    for item in source.plan_items():
        if plan.status(item) != "todo":
            continue
        if item.error is not None:  # nothing for Ray to do: write its error line here
            bad.append(item)
            if len(bad) >= options.batch_size:
                _write_errors(bad, writer, summary)
                bad = []
            continue
        if not shards or len(shards[-1]["indices"]) >= shard_size:
            shards.append({"offset": item.offset or 0, "line": item.line or 0, "indices": [], "paths": []})
        shards[-1]["indices"].append(item.index)
        if source.kind == "dir":
            shards[-1]["paths"].append(item.id)
        todo += 1
    if bad:
        _write_errors(bad, writer, summary)
    if not shards:
        return

    ray, started = _ray_init(options)
    try:
        import ray.data

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        here = _on_this_node(ray)  # the read step runs where INPUT is: the driver's node
        ds = (
            ray.data.from_items([{"shard": json.dumps(s)} for s in shards], override_num_blocks=len(shards))
            .map_batches(_read_shards, fn_args=(source,), batch_size=1, num_cpus=0, **here)
            .map_batches(_RayWorker, fn_constructor_args=(spec,), batch_size=options.batch_size,
                         num_cpus=options.cpus_per_worker,
                         compute=ray.data.ActorPoolStrategy(size=options.concurrency))
        )
        _quiet_ray()
        t0 = time.perf_counter()
        bar = _bar(todo, 0, options.progress)
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                outcomes = [Outcome(str(k), str(line), None if str(err) == "" else str(err))
                            for k, line, err in zip(batch["key"], batch["line"], batch["error"])]
                writer.write(o.line for o in outcomes)
                stats = {name: int(batch[name].sum()) for name in ("sentences", "hits", "translated")}
                summary.add(outcomes, stats)
                _tick(bar, summary, len(outcomes), t0)
        finally:
            bar.close()
    finally:
        if started:
            ray.shutdown()



def _probe(address: str, timeout: float = 10.0) -> None:
    """Fail in seconds, not never, when a HOST:PORT cluster address does not answer (Ray itself
    retries an unreachable address without end)."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit() or not host:
        return  # "auto" and the like: Ray finds the cluster itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as err:
        raise EngineUnavailable(f"no Ray cluster answers at {address} ({err.strerror or err})") from None


def _on_this_node(ray) -> dict:
    """map_batches arguments that keep a step on the driver's node (label selectors on recent Ray,
    a hard node-affinity strategy on older releases)."""
    import inspect

    node = ray.get_runtime_context().get_node_id()
    if "label_selector" in inspect.signature(ray.data.Dataset.map_batches).parameters:
        return {"label_selector": {"ray.io/node-id": node}}
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return {"scheduling_strategy": NodeAffinitySchedulingStrategy(node, soft=False)}


def _quiet_ray() -> None:
    """Ray's own INFO/WARNING chatter would bury the progress bar; errors still show."""
    import logging
    import warnings

    for name in ("ray", "ray.data", "ray.data._internal.execution.streaming_executor"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"ray\.")


def _ray_init(options: JobOptions):
    """(the ray module, whether this call started Ray): an existing connection is reused."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    import logging

    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as err:
        raise EngineUnavailable(f"the ray runner needs Ray Data ({err}); pip install 'briefs[ray]'") from None

    started = not ray.is_initialized()
    if started:
        quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
        if options.ray_address:  # an existing cluster: it has its own resources and dashboard
            _probe(options.ray_address)
            try:
                ray.init(address=options.ray_address, **quiet)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise EngineUnavailable(f"cannot use the Ray cluster at {options.ray_address}: {err}") from None
        else:  # a local Ray sized to the job, with a small object store and no dashboard
            cpus = max(os.cpu_count() or 1, int(options.concurrency * options.cpus_per_worker + 0.999))
            ray.init(address="local", num_cpus=cpus, object_store_memory=256 * 1024 * 1024, include_dashboard=False,
                     **quiet)
    _quiet_ray()
    return ray, started


def _read_shards(batch: dict, source: Source) -> dict:
    """Ray Data read step: shard descriptors -> the documents they name (runs where INPUT is)."""
    cols: dict[str, list] = {"index": [], "id": [], "line": [], "text": [], "error": []}
    for shard in batch["shard"]:
        for item in source.read_shard(json.loads(str(shard))):
            cols["index"].append(item.index)
            cols["id"].append(json.dumps(item.id, ensure_ascii=False))
            cols["line"].append(-1 if item.line is None else item.line)
            cols["text"].append(item.text or "")
            cols["error"].append(item.error or "")
    return cols


class _RayWorker:
    """Ray Data actor: builds a Worker (and so the Pipeline and its models) once."""

    def __init__(self, spec: JobSpec):
        if spec.memory_path:
            try:
                open_memory(spec.memory_path).close()
            except BriefsError as err:  # e.g. a node that cannot reach the driver's disk
                print(f"briefs: warning: translation memory {spec.memory_path} unusable here ({err}); "
                      "going on without it", file=sys.stderr)
                spec = replace(spec, memory_path=None)
        self.worker = Worker(spec)

    def __call__(self, batch: dict) -> dict:
        items = []
        for index, id_json, line, text, error in zip(batch["index"], batch["id"], batch["line"], batch["text"],
                                                     batch["error"]):
            line = int(line)
            items.append(Item(int(index), json.loads(str(id_json)), str(text), None if line < 0 else line,
                              error=str(error) or None))
        outcomes, stats = self.worker.process(items)
        n = len(outcomes)
        cols: dict[str, list] = {
            "key": [o.key for o in outcomes],
            "line": [o.line for o in outcomes],
            "error": [o.error or "" for o in outcomes],
        }
        for name in ("sentences", "hits", "translated"):  # the batch's counts ride on its first row
            cols[name] = [stats[name]] + [0] * (n - 1) if n else []
        return cols

