import os
import sys

from snakemake.utils import validate

from rnnbench import RnnbenchError, data, files, measure, plan, probe, search, sizes, train
from rnnbench.config import check

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
try:
    check(config, SCHEMA)
except RnnbenchError as err:
    raise WorkflowError(str(err))
validate(config, SCHEMA)


def data_path():
    """Where the texts are: aclimdb_path for source aclimdb, data_path for a table or folders."""
    if config["source"] == "aclimdb":
        return config["aclimdb_path"]
    return config["data_path"] if config["source"] in data.OWN else ""


def data_folder():
    """results/data/<source>-<sha256 of the archive, 12 digits>-w<num_words>[-<settings>], and its
    texts per split. Data not prepared yet is checked here (and its texts counted in that one
    read), so that broken data stops the workflow before any job touches results/."""
    source, path, options = config["source"], data_path(), data.options_of(config)
    key = "aclimdb_path" if source == "aclimdb" else "data_path"
    if source != "keras":
        if not path:
            example = "aclImdb_v1.tar.gz" if source == "aclimdb" else "texts.csv"
            raise WorkflowError(f"source {source} needs {key}; add --config {key}={example}")
        if not os.path.exists(path):
            raise WorkflowError(f"{key} {path} does not exist; point {key} at the "
                                + ("downloaded aclImdb_v1.tar.gz" if source == "aclimdb" else "texts"))
    if options.get("labels", "sentiment") != "sentiment" and source != "aclimdb":
        raise WorkflowError(f"config labels: {options['labels']} is a setting of source aclimdb; "
                            f"a {source} source takes its labels from label_column or its folders")
    try:
        folder = f"results/data/{data.data_name(source, path, config['num_words'], options)}"
        meta = f"{folder}/tokens.json"
        reviews = ({split: counts["reviews"] for split, counts in files.read_json(meta).items() if split in data.SPLITS}
                   if os.path.exists(meta) else data.check_source(source, path, options))
    except RnnbenchError as err:
        raise WorkflowError(str(err))
    return folder, reviews


DATA, REVIEWS = data_folder()
# This experiment's runs, summaries, figures and report: results/ by default, a folder of its own for
# another experiment (config/budget.yaml: results/budget). The data and the machine's measurements
# stay in results/data and results/machine, shared by every experiment.
OUT = config["results"]
RUN = f"{OUT}/runs/{{model}}/maxlen{{maxlen}}/seed{{seed}}"
SUMMARY = f"{OUT}/summary.csv"
SUMMARY_BY_CONFIG = f"{OUT}/summary_by_config.csv"
CONFIGS = [(model, maxlen) for model in config["models"] for maxlen in config["maxlens"]]
HISTORY_FIGURES = [f"{OUT}/figures/history/{model}-maxlen{maxlen}.svg" for model, maxlen in CONFIGS]
REPORT = f"{OUT}/report.html"
SEARCH = config.get("search")  # None, or the search's space (with its defaults) and trials
TRIAL = f"{OUT}/search/{{model}}/maxlen{{maxlen}}/seed{{seed}}/trial{{trial}}"
SEARCH_TABLE = f"{OUT}/search.csv"
BUDGET = f"{OUT}/budget.csv"
BUDGET_FIGURE = f"{OUT}/figures/budget.svg"
PLAN = f"{OUT}/plan.json"
SIZE_RUN = f"{OUT}/sizes/{{model}}/maxlen{{maxlen}}/n{{size}}/seed{{seed}}"
SIZES_TABLE = f"{OUT}/sizes.csv"
CURVES = f"{OUT}/curves.json"
SIZES_FIGURE = f"{OUT}/figures/sizes.svg"
PEAK = "results/machine/float32_peak.json"
REPORT_SOURCES = os.path.join(workflow.basedir, "report")  # template and styles


def train_threads():
    """TensorFlow threads per training job. threads 0: every core Snakemake is given, one run at a
    time. Fewer than the cores: as many runs at once as fit, each pinned to cores of its own
    (rnnbench/cores.py), so two timed runs never share a core either way. Under a cluster executor
    there is no --cores: the profile's set-threads decides (profiles/slurm)."""
    if config["threads"]:
        return config["threads"]
    try:
        return workflow.cores or os.cpu_count()
    except WorkflowError:
        return os.cpu_count()


TRAIN_THREADS = train_threads()


def learning_curve_sizes():
    """The training-set sizes of a learning curve (config train_sizes, checked against the pool the
    data leaves), smaller than the whole pool: the whole pool is the grid's own run. With
    test_reviews the pool grows by the test reviews it moves, and every size is a run of its own."""
    try:
        moved = sizes.moved_reviews(config["test_reviews"], REVIEWS["test"], config["batch_size"],
                                    config["train_sizes"])
        if not config["train_sizes"]:
            return []
        pool = sizes.pool_size(REVIEWS["train"], config["validation_split"])
        counts = sizes.resolve(config["train_sizes"], pool + moved, config["batch_size"])
    except RnnbenchError as err:
        raise WorkflowError(str(err))
    return counts if moved else [n for n in counts if n < pool]


SIZES = learning_curve_sizes()
PROBE = f"results/machine/xla-{probe.machine_key(TRAIN_THREADS)}/{{model}}-maxlen{{maxlen}}.json"


def probe_input(wildcards):
    """A training run's XLA probe, where jit_compile is "auto" and the registry lets XLA be tried
    (bag-of-words is never: rnnbench/probe.py says why)."""
    if not probe.wanted(wildcards.model, config["jit_compile"]):
        return {}
    return {"probe": PROBE.format(model=wildcards.model, maxlen=wildcards.maxlen)}


onstart:
    # A plan made by an earlier invocation for these same runs: what is left of it, before any job.
    if os.path.exists(PLAN) and {job["folder"] for job in files.read_json(PLAN)["jobs"]} == {
            job["folder"] for job in plan_jobs()}:
        print(f"rnnbench plan: {plan.line(plan.update(files.read_json(PLAN)))}")
    # What a job killed mid-write left behind (a temporary file beside an output); removed under
    # Snakemake's lock, before any job starts.
    left = files.remove_temporaries("results", ["data", "machine"])
    for path in left + files.remove_temporaries(OUT, ["runs", "search", "sizes", "figures"]):
        print(f"removed {path}, a temporary file left by a killed job", file=sys.stderr)


onsuccess:
    # Snakemake has recorded the finished runs now: their resume state can go (train.py: why it waits).
    train.drop_state(os.path.dirname(path) for path in runs("metrics.json") + trials("metrics.json")
                     + size_runs("metrics.json"))


TRAINING_KEYS = ["num_words", "embedding", "units", "epochs", "batch_size", "optimizer",
                 "validation_split", "jit_compile", "deterministic"]


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
    """The settings a run depends on: a change reruns it. The schedule's keys only under converge, so
    that runs of the article's schedule keep the settings they had before it existed (and are not
    trained again)."""
    keys = TRAINING_KEYS + (["schedule", "patience"] if config["schedule"] == "converge" else [])
    return {key: config[key] for key in keys}


def trials(name):
    """One path per trial of the search (none without one): model x maxlen x seed x trial."""
    if not SEARCH:
        return []
    return expand(f"{TRIAL}/{name}", model=config["models"], maxlen=config["maxlens"], seed=config["seeds"],
                  trial=range(1, SEARCH["trials"] + 1))


def trial_config(wildcards):
    """A trial's settings (trial_settings), for its job."""
    return trial_settings(wildcards.model, int(wildcards.maxlen), int(wildcards.seed), int(wildcards.trial))


def budget_input(wildcards):
    """The report's section on budgets, where the config has a search."""
    return {"search": SEARCH_TABLE, "budget": BUDGET, "budget_figure": BUDGET_FIGURE} if SEARCH else {}


def trial_settings(model, maxlen, seed, trial):
    """A trial's settings: the grid's, under converge (with patience), with its draw from the search space."""
    return search.trial_config(dict(training_config(), patience=config["patience"]), SEARCH, model, maxlen,
                               trial, seed)


def plan_jobs():
    """Every training job of this config, its folder and settings: what the plan estimates."""
    grid = [dict(model=m, maxlen=int(n), seed=int(s), trial=None, folder=RUN.format(model=m, maxlen=n, seed=s),
                 config=training_config())
            for m in config["models"] for n in config["maxlens"] for s in config["seeds"]]
    return grid + [dict(model=m, maxlen=int(n), seed=int(s), trial=t,
                        folder=TRIAL.format(model=m, maxlen=n, seed=s, trial=t),
                        config=trial_settings(m, int(n), int(s), t))
                   for m in config["models"] for n in config["maxlens"] for s in config["seeds"]
                   for t in (range(1, SEARCH["trials"] + 1) if SEARCH else [])] + [
        dict(model=m, maxlen=int(n), seed=int(s), trial=None, size=size,
             folder=SIZE_RUN.format(model=m, maxlen=n, size=size, seed=s), config=size_settings(size))
        for m in config["models"] for n in config["maxlens"] for size in SIZES for s in config["seeds"]]


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


def size_settings(size):
    """A learning curve's run: the grid's settings, on `size` reviews of the pool (and, with
    test_reviews, tested on those test reviews held out)."""
    settings = dict(training_config(), train_size=int(size))
    if config["test_reviews"]:
        settings["test_reviews"] = config["test_reviews"]
    return settings


def size_config(wildcards):
    return size_settings(wildcards.size)


def curve_grid_runs(name):
    """The grid's runs that end the learning curves: none with test_reviews (they test on the whole
    test split, the curves on the reviews held out)."""
    return [] if config["test_reviews"] else runs(name)


def sizes_input(wildcards):
    """The report's section on training-set sizes, where the config has them."""
    return {"sizes": SIZES_TABLE, "curves": CURVES, "sizes_figure": SIZES_FIGURE} if SIZES else {}
