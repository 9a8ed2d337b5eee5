"""The A/B driver's measurement (rnnbench/timing/ab.py): blocks of the benchmark suite, each a fresh
pytest process pinned to one core, timed in pairs (A and B side by side in lockstep, or one after
the other), each pair's disturbance from /proc/stat, and the paired ratios B/A."""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from rnnbench import RnnbenchError
from rnnbench.timing.abstats import ALPHA, min_pairs
from rnnbench.training.measure import Usage

# Spelled out again in tests/benchmarks/conftest.py, which cannot import them: side A imports the
# package of an older revision, which may predate this module.
SLOWDOWN_ENV = "RNNBENCH_BENCH_SLOWDOWN"  # benchmark-only knob: "NAME=FRACTION,...", see conftest

STAT = "min"  # each block's figure for a benchmark: its fastest round (see the module's docstring)
MAX_OTHER = 0.25  # cores' worth of CPU used by other processes during a pair
MAX_STEAL = 0.05  # share of the pair's wall time stolen by the hypervisor, summed over cores
# duet: both sides time each round together and swap cores every round (tests/benchmarks/conftest.py)
BARRIER_ENV, SIDE_ENV, CORES_ENV = "RNNBENCH_AB_BARRIER", "RNNBENCH_AB_SIDE", "RNNBENCH_AB_CORES"
THREAD_ENV = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1",
              "TF_CPP_MIN_LOG_LEVEL": "2"}


def start_block(side, core, out_json, cwd, targets, log, barrier=None, cores=()):
    """One fresh pytest process timing `targets` with `side`'s code, pinned to `core`; with a
    barrier folder, it meets the other side's process there before each round of each benchmark,
    and the two swap `cores`."""
    env = dict(os.environ, **THREAD_ENV)
    for key in (BARRIER_ENV, SIDE_ENV, CORES_ENV):
        env.pop(key, None)
    if barrier:
        env.update({BARRIER_ENV: str(barrier), SIDE_ENV: side["name"], CORES_ENV: ",".join(map(str, cores))})
    env["PYTHONPATH"] = os.pathsep.join([str(side["src"]), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.pop(SLOWDOWN_ENV, None)
    if side.get("slowdown"):
        env[SLOWDOWN_ENV] = side["slowdown"]
    cmd = [side["python"], "-m", "pytest", "-q", "-p", "no:cacheprovider", "--benchmark-enable",
           f"--benchmark-json={out_json}", *targets]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.sched_setaffinity(0, {core}))


def finish(proc):
    """Wait for a block; its exit status and CPU seconds (its own and its children's)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def machine_info(path):
    with open(path) as fh:
        return json.load(fh).get("machine_info", {})


def figures(path, stat=STAT):
    """{benchmark: its `stat` ("min" or "median") over its rounds, seconds} of one block's
    pytest-benchmark JSON."""
    with open(path) as fh:
        return {b["name"]: b["stats"][stat] for b in json.load(fh)["benchmarks"]}


def run_blocks(blocks, outdir, index, cwd, targets, barrier=None):
    """Start blocks together ({side: (side, core)}), wait for all; {side: record}. Each record has
    the exit status, the core, and the disturbance of the window the blocks shared: wall seconds,
    the blocks' own CPU seconds, other processes' CPU in cores, steal as a share of the wall time."""
    usage = Usage()  # the driver runs unpinned: every core it may use
    clock = time.perf_counter()
    logs = {s: open(outdir / f"{s}-{index}.log", "w") for s in blocks}
    procs = {}
    try:
        for s, (side, core) in blocks.items():
            procs[s] = start_block(side, core, outdir / f"{s}-{index}.json", cwd, targets, logs[s], barrier,
                                   [c for _, c in blocks.values()])
        done = {s: finish(proc) for s, proc in procs.items()}
    except BaseException:  # Ctrl-C or SIGTERM: no block outlives the driver
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
                proc.wait()
        raise
    finally:
        for fh in logs.values():
            fh.close()
    wall = time.perf_counter() - clock
    own = sum(cpu for _, cpu in done.values())
    machine = usage.figures(own=own)
    window = {"wall": wall, "own_cpu": own, "other_cores": machine["other_cores"], "steal": machine["steal"]}
    return {s: dict(window, exit=done[s][0], core=blocks[s][1]) for s in blocks}


def run_pair(index, sides, mode, cores, cwd, targets, outdir):
    """Time one A block and one B block: at once on two cores (duet, cores swapped every pair) or
    one after the other on one core, in ABBA order (sequential). The pair's record."""
    order = "AB" if index % 2 == 0 else "BA"
    if mode == "duet":
        barrier = Path(tempfile.mkdtemp(prefix=f"barrier-{index}-", dir=outdir))
        try:
            blocks = run_blocks({s: (sides[s], cores[slot]) for slot, s in enumerate(order)}, outdir, index, cwd,
                                targets, barrier)
        finally:
            shutil.rmtree(barrier, ignore_errors=True)
        wall = blocks["A"]["wall"]
    else:
        blocks = {}
        for s in order:
            blocks.update(run_blocks({s: (sides[s], cores[0])}, outdir, index, cwd, targets))
        wall = blocks["A"]["wall"] + blocks["B"]["wall"]
    return {"pair": index, "mode": mode, "order": order, "blocks": blocks, "wall": wall,
            "other_cores": max(b["other_cores"] for b in blocks.values()),
            "steal": max(b["steal"] for b in blocks.values())}


def measure(sides, pairs, mode, cwd, targets, outdir, alpha=ALPHA, max_other=MAX_OTHER, max_steal=MAX_STEAL,
            say=print):
    """Run `pairs` undisturbed pairs (None: as many as `min_pairs` asks for the benchmarks the
    first pair timed), repeating disturbed ones up to as many again; (counted records, attempts,
    pairs)."""
    cores = sorted(os.sched_getaffinity(0))
    if mode == "duet" and len(cores) < 2:
        raise RnnbenchError("--mode duet needs two cores; this process may use one: use --mode sequential")
    cores = cores[-2:] if mode == "duet" else cores[-1:]
    counted, attempts = [], 0
    while pairs is None or (len(counted) < pairs and attempts < 2 * pairs):
        record = run_pair(attempts, sides, mode, cores, cwd, targets, outdir)
        attempts += 1
        for s in "AB":
            if record["blocks"][s]["exit"] != 0:
                log = outdir / f"{s}-{record['pair']}.log"
                raise RnnbenchError(f"the benchmarks failed on side {s} ({sides[s]['label']}): see {log}")
            imported = machine_info(outdir / f"{s}-{record['pair']}.json").get("rnnbench")
            if imported and not Path(imported).resolve().is_relative_to(Path(sides[s]["src"]).resolve()):
                raise RnnbenchError(f"side {s} imported rnnbench from {imported}, not from {sides[s]['src']}: "
                                    "is the package installed without -e? reinstall with pip install -e .")
        if pairs is None:
            timed = len(figures(outdir / f"B-{record['pair']}.json"))
            pairs = min_pairs(timed, alpha)
            say(f"{pairs} pairs for {timed} benchmarks")
        record["counted"] = record["other_cores"] <= max_other and record["steal"] <= max_steal
        say(f"pair {record['pair'] + 1}: {record['order']}, {record['wall']:.0f} s, other processes "
            f"up to {record['other_cores']:.2f} cores, steal up to {100 * record['steal']:.1f}%"
            + ("" if record["counted"] else "  disturbed: repeated"))
        if record["counted"]:
            counted.append(record)
    return counted, attempts, pairs


def paired_ratios(records, outdir, stat=STAT):
    """{benchmark: [B/A of each counted pair]} for the benchmarks both sides timed."""
    ratios = {}
    for record in records:
        a = figures(outdir / f"A-{record['pair']}.json", stat)
        b = figures(outdir / f"B-{record['pair']}.json", stat)
        for name in sorted(set(a) & set(b)):
            ratios.setdefault(name, []).append(b[name] / a[name])
    return ratios
