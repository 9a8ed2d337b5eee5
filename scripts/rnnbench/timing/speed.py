"""How fast the pipeline itself is, from what a finished grid left behind; prints figures, asserts nothing.

    python -m rnnbench.timing.speed [RESULTS] [--log SNAKEMAKE_LOG] [--compare OTHER_RESULTS]

- wall time of the grid: the longest Snakemake log's "Elapsed time" (or --log);
- where it went, in job time (the Snakemake benchmark files; with runs side by side it adds up to
  more than the wall time): training jobs (model.fit, the test evaluation, start-up), the XLA
  probes, and the other jobs (preparation, padding, the peak measurement, aggregation, figures,
  report);
- per model x maxlen: seconds per epoch (median of epochs 2..n, mean over seeds), XLA on or off,
  test accuracy; with --compare, the same from another results folder beside it (an XLA-off grid,
  say) and the 95% Welch interval of the accuracy difference.
"""

import argparse
import datetime
import re
from pathlib import Path

import pandas as pd
from scipy import stats

from rnnbench import files
from rnnbench.results import summary
from rnnbench.results.text import name

_ELAPSED = re.compile(r"^Elapsed time: (?:(\d+) days?, )?(\d+):(\d+):(\d+(?:\.\d+)?)", re.M)


def elapsed(log_text):
    """Seconds of a finished Snakemake run, from its log's last line; None if it did not finish."""
    match = _ELAPSED.search(log_text)
    if not match:
        return None
    days, hours, minutes, seconds = match.groups()
    return datetime.timedelta(days=int(days or 0), hours=int(hours), minutes=int(minutes),
                              seconds=float(seconds)).total_seconds()


def longest_log(log_dir=".snakemake/log"):
    logs = [(elapsed(p.read_text(errors="replace")) or 0, p) for p in Path(log_dir).glob("*.snakemake.log")]
    return max(logs)[1] if logs else None


def job_seconds(results):
    """{job name: wall seconds} from the Snakemake benchmark files under results/benchmarks."""
    return {str(p.relative_to(Path(results) / "benchmarks").with_suffix("")): float(pd.read_csv(p, sep="\t")["s"].iloc[-1])
            for p in sorted(Path(results, "benchmarks").rglob("*.tsv"))}


def runs(results):
    """One row per run (summary.collect's columns: accuracy, s/epoch, fit seconds, XLA, ...)."""
    return summary.collect(sorted(Path(results, "runs").glob("*/maxlen*/seed*/metrics.json")))


def per_config(frame):
    return frame.groupby(["model", "maxlen"], sort=False).agg(
        n=("seed", "size"), acc=("test_accuracy", "mean"), epoch=("seconds_per_epoch", "mean"),
        xla=("xla", lambda x: "on" if x.all() else ("off" if not x.any() else "mixed")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", default="results")
    parser.add_argument("--log", help="the Snakemake log of the grid's run (default: the longest one)")
    parser.add_argument("--compare", help="another results folder, e.g. the same grid with jit_compile=off")
    args = parser.parse_args(argv)

    jobs = job_seconds(args.results)
    frame = runs(args.results)
    train = sum(s for job, s in jobs.items() if job.startswith("train/"))
    fit = frame["fit_seconds"].sum()
    log = Path(args.log) if args.log else longest_log()
    wall = elapsed(log.read_text()) if log else None
    print(f"{len(frame)} runs in {args.results}")
    probes = sum(s for job, s in jobs.items() if job.startswith("xla_probe/"))
    rest = sum(jobs.values()) - train - probes
    if wall:
        print(f"grid wall time {wall / 60:.1f} min ({log})")
        print(f"  training jobs {train / 60:.1f} min of job time, {train / wall:.2f} running at once on average  "
              f"(model.fit {fit / 60:.1f} min; test evaluation and start-up {(train - fit) / 60:.1f} min)")
        print(f"  XLA probes {probes:.0f} s of job time; other jobs {rest:.0f} s (preparation, padding, peak, "
              f"aggregation, figures, report); Snakemake's own time between jobs is in the wall time only")
    for job in ("prepare", "pad-maxlen500", "pad-maxlen1000"):
        if job in jobs:
            print(f"  {job}: {jobs[job]:.1f} s")
    peak = Path(args.results, "machine", "float32_peak.json")
    if peak.exists():
        print(f"  float32 peak {files.read_json(peak)['gflops_per_second']:.1f} GFLOP/s")

    table = per_config(frame)
    compared = runs(args.compare) if args.compare else None
    other = per_config(compared) if args.compare else None
    print()
    header = f"{'model':18} {'n':>2} {'XLA':>4} {'s/epoch':>8} {'test acc %':>10}"
    if other is not None:
        header += f"   | {'XLA':>4} {'s/epoch':>8} {'test acc %':>10} {'speed-up':>8}  acc. difference (95% CI)"
    print(header)
    for (model, maxlen), r in table.iterrows():
        line = f"{name(model, maxlen):18} {r.n:>2} {r.xla:>4} {r.epoch:8.1f} {100 * r.acc:10.1f}"
        if other is not None and (model, maxlen) in other.index:
            o = other.loc[(model, maxlen)]
            a = frame.query("model == @model and maxlen == @maxlen")["test_accuracy"]
            b = compared.query("model == @model and maxlen == @maxlen")["test_accuracy"]
            ci = "–"
            if len(a) > 1 and len(b) > 1:
                c = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
                noise = "within seed noise" if c.low <= 0 <= c.high else "NOT within seed noise"
                ci = f"{100 * (a.mean() - b.mean()):+.1f} [{100 * c.low:+.1f}, {100 * c.high:+.1f}] {noise}"
            line += f"   | {o.xla:>4} {o.epoch:8.1f} {100 * o.acc:10.1f} {o.epoch / r.epoch:7.2f}x  {ci}"
        print(line)


if __name__ == "__main__":
    main()
