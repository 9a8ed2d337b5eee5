"""The plan's estimate against the measured runs: expected and measured seconds per model x maxlen
and for the whole plan (the cost model: rnnbench/training/plan.py)."""

from pathlib import Path


def benchmark_path(out, job):
    """The Snakemake benchmark file of a plan's job (its wall seconds, written when it ends)."""
    trial = f"-trial{job['trial']}" if job.get("trial") is not None else ""
    size = f"-n{job['size']}" if job.get("size") else ""
    return Path(out) / "benchmarks" / "train" / f"{job['model']}-maxlen{job['maxlen']}{size}-seed{job['seed']}{trial}.tsv"


def measured(plan, out):
    """folder -> (job seconds, end as a timestamp) of each job the plan expected (not done when it
    was made) whose benchmark file exists: what the estimate is set against."""
    import pandas as pd

    found = {}
    for job in plan["jobs"]:
        path = benchmark_path(out, job)
        if not job["done"] and path.exists():
            found[job["folder"]] = (float(pd.read_csv(path, sep="\t")["s"].iloc[0]), path.stat().st_mtime)
    return found


def compare(plan, found):
    """Expected against measured, per model x maxlen (mean seconds of a job) and for the whole plan:
    the job seconds summed, and the wall time (the plan's schedule against the span from the first
    job's start to the last one's end). None where no job of the plan has been measured."""
    import pandas as pd

    rows = [dict(model=job["model"], maxlen=job["maxlen"], expected=job["expected_seconds"],
                 measured=found[job["folder"]][0], end=found[job["folder"]][1])
            for job in plan["jobs"] if job["folder"] in found]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    by_config = frame.groupby(["model", "maxlen"], sort=False)[["expected", "measured"]].mean().reset_index()
    by_config["error"] = by_config["expected"] / by_config["measured"] - 1
    span = frame["end"].max() - (frame["end"] - frame["measured"]).min()
    expected_jobs = sum(job["expected_seconds"] for job in plan["jobs"] if not job["done"])
    return {"by_config": by_config, "runs": len(frame), "planned": sum(not job["done"] for job in plan["jobs"]),
            "expected_jobs": expected_jobs, "measured_jobs": frame["measured"].sum(),
            "expected_wall": plan["wall_seconds"], "measured_wall": span, "slots": plan["slots"],
            "made": plan["made"], "bound": plan["bound"]}
