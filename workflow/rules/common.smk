import os
import sys

from snakemake.utils import validate

from rnnbench import RnnbenchError, files, models
from rnnbench.data import sources
from rnnbench.results import estimate
from rnnbench.training import grid, measure, plan, probe, progress, resume
from rnnbench.config import check

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
try:
    check(config, SCHEMA)
except RnnbenchError as err:
    raise WorkflowError(str(err))
validate(config, SCHEMA)


def data_folder():
    """The prepared data's folder and its texts per split (rnnbench/data/sources.py: locate)."""
    try:
        return sources.locate(config)
    except RnnbenchError as err:
        raise WorkflowError(str(err))


DATA, REVIEWS = data_folder()
# This experiment's runs, summaries, figures and report: results/ by default, a folder of its own for
# another experiment (config/budget.yaml: results/budget). The data and the machine's measurements
# stay in results/data and results/machine, shared by every experiment.
OUT = config["results"]
RUN = grid.RUN.format(out=OUT, model="{model}", maxlen="{maxlen}", seed="{seed}")
SUMMARY = f"{OUT}/summary.csv"
SUMMARY_BY_CONFIG = f"{OUT}/summary_by_config.csv"
CONFIGS = [(model, maxlen) for model in config["models"] for maxlen in config["maxlens"]]
CURVE_CONFIGS = [(model, maxlen) for model, maxlen in CONFIGS if models.keras(model)]  # trained by epochs
HISTORY_FIGURES = [f"{OUT}/figures/history/{model}-maxlen{maxlen}.svg" for model, maxlen in CURVE_CONFIGS]
REPORT = f"{OUT}/report.html"
SEARCH = config.get("search")  # None, or the search's space (with its defaults) and trials
TRIAL = grid.TRIAL.format(out=OUT, model="{model}", maxlen="{maxlen}", seed="{seed}", trial="{trial}")
SEARCH_TABLE = f"{OUT}/search.csv"
BUDGET = f"{OUT}/budget.csv"
BUDGET_FIGURE = f"{OUT}/figures/budget.svg"
PLAN = f"{OUT}/plan.json"
SIZE_RUN = grid.SIZE_RUN.format(out=OUT, model="{model}", maxlen="{maxlen}", size="{size}", seed="{seed}")
SIZES_TABLE = f"{OUT}/sizes.csv"
CURVES = f"{OUT}/curves.json"
SIZES_FIGURE = f"{OUT}/figures/sizes.svg"
PEAK = "results/machine/float32_peak.json"
REPORT_SOURCES = os.path.join(workflow.basedir, "report")  # template and styles


def train_threads():
    """TensorFlow threads per training job. threads 0: every core Snakemake is given, one run at a
    time. Fewer than the cores: as many runs at once as fit, each pinned to cores of its own
    (rnnbench/training/cores.py), so two timed runs never share a core either way. Under a cluster executor
    there is no --cores: the profile's set-threads decides (profiles/slurm)."""
    if config["threads"]:
        return config["threads"]
    try:
        return workflow.cores or os.cpu_count()
    except WorkflowError:
        return os.cpu_count()


TRAIN_THREADS = train_threads()


def learning_curve_sizes():
    """The learning curves' training-set sizes, checked against the data (rnnbench/training/grid.py)."""
    try:
        return grid.learning_curve_sizes(config, REVIEWS)
    except RnnbenchError as err:
        raise WorkflowError(str(err))


SIZES = learning_curve_sizes()
PROBE = f"results/machine/xla-{probe.machine_key(TRAIN_THREADS)}/{{model}}-maxlen{{maxlen}}.json"


def probe_input(wildcards):
    """A training run's XLA probe, where jit_compile is "auto" and the registry lets XLA be tried
    (bag-of-words is never: rnnbench/training/probe.py says why)."""
    if not probe.wanted(wildcards.model, config["jit_compile"]):
        return {}
    return {"probe": PROBE.format(model=wildcards.model, maxlen=wildcards.maxlen)}


onstart:
    # A plan made by an earlier invocation for these same runs: what is left of it, before any job.
    if os.path.exists(PLAN) and {job["folder"] for job in files.read_json(PLAN)["jobs"]} == {
            job["folder"] for job in plan_jobs()}:
        print(f"rnnbench plan: {plan.line(progress.update(files.read_json(PLAN)))}")
    # What a job killed mid-write left behind (a temporary file beside an output); removed under
    # Snakemake's lock, before any job starts.
    left = files.remove_temporaries("results", ["data", "machine"])
    for path in left + files.remove_temporaries(OUT, ["runs", "search", "sizes", "figures"]):
        print(f"removed {path}, a temporary file left by a killed job", file=sys.stderr)


onsuccess:
    # Snakemake has recorded the finished runs now: their resume state can go (train.py: why it waits).
    resume.drop_state(os.path.dirname(path) for path in runs("metrics.json") + trials("metrics.json")
                     + size_runs("metrics.json"))


wildcard_constraints:
    model="|".join(config["models"]),
    maxlen=r"\d+",
    seed=r"\d+",
    trial=r"\d+",
    size=r"\d+",


def runs(name):
    """One path per model x maxlen x seed of the grid."""
    return expand(f"{RUN}/{name}", model=config["models"], maxlen=config["maxlens"], seed=config["seeds"])


def training_config():
    return grid.training_config(config)


def trials(name):
    """One path per trial of the search (none without one): model x maxlen x seed x trial."""
    return expand(f"{TRIAL}/{name}", model=config["models"], maxlen=config["maxlens"], seed=config["seeds"],
                  trial=grid.trial_numbers(config))


def trial_config(wildcards):
    """A trial's settings, for its job."""
    return grid.trial_settings(config, wildcards.model, int(wildcards.maxlen), int(wildcards.seed), int(wildcards.trial))


def budget_input(wildcards):
    """The report's section on budgets, where the config has a search."""
    return {"search": SEARCH_TABLE, "budget": BUDGET, "budget_figure": BUDGET_FIGURE} if SEARCH else {}


def plan_jobs():
    """Every training job of this config, its folder and settings: what the plan estimates."""
    return grid.jobs(config, SIZES)


def train_benchmarks():
    """Every training job's benchmark file (its wall seconds), which the report sets against the plan."""
    return [str(estimate.benchmark_path(OUT, job)) for job in plan_jobs()]


def plan_probes(wildcards):
    """The XLA probes the plan reads its step times from (the other models it times itself)."""
    return {f"{m}-maxlen{n}": PROBE.format(model=m, maxlen=n)
            for m in config["models"] for n in config["maxlens"] if probe.wanted(m, config["jit_compile"])}


def plan_slots():
    """Training jobs at once: the cores Snakemake has over each job's threads (under a cluster
    executor, as many as there are jobs)."""
    try:
        return max(1, workflow.cores // TRAIN_THREADS)
    except WorkflowError:
        return len(plan_jobs())


def expected_seconds(wildcards):
    """A training job's priority: its expected seconds from the plan (0 before there is one), so that
    Snakemake starts the longest first."""
    if not os.path.exists(PLAN):
        return 0
    pattern = TRIAL if "trial" in wildcards.keys() else SIZE_RUN if "size" in wildcards.keys() else RUN
    folder = pattern.format(**dict(wildcards.items()))
    return next((job["expected_seconds"] for job in files.read_json(PLAN)["jobs"]
                 if job["folder"] == folder), 0)


def planned(wildcards):
    """The workflow's targets, once there is a plan: without one, the training jobs are placed after it
    is made. With one (a rerun), they are in the DAG from the start, so that Snakemake checks their
    outputs for a job that an interruption left incomplete; a plan to be made again runs first (its
    priority). A dry run shows every job at once."""
    if not workflow.dryrun and not os.path.exists(PLAN):
        checkpoints.plan.get()
    return [SUMMARY, SUMMARY_BY_CONFIG, REPORT]


def size_runs(name):
    """One path per model x maxlen x size x seed of the learning curves (none without train_sizes)."""
    return expand(f"{SIZE_RUN}/{name}", model=config["models"], maxlen=config["maxlens"], size=SIZES,
                  seed=config["seeds"])


def size_config(wildcards):
    return grid.size_settings(config, wildcards.size)


def curve_grid_runs(name):
    """The grid's runs that end the learning curves: none with test_reviews (they test on the whole
    test split, the curves on the reviews held out)."""
    return [] if config["test_reviews"] else runs(name)


def sizes_input(wildcards):
    """The report's section on training-set sizes, where the config has them."""
    return {"sizes": SIZES_TABLE, "curves": CURVES, "sizes_figure": SIZES_FIGURE} if SIZES else {}
