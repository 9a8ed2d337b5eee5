import os
import sys

from snakemake.utils import validate

from rnnbench import RnnbenchError, data, files, probe, search, train
from rnnbench.config import check

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
try:
    check(config, SCHEMA)
except RnnbenchError as err:
    raise WorkflowError(str(err))
validate(config, SCHEMA)


def data_folder():
    """results/data/<source>-<sha256 of the archive, 12 digits>-w<num_words>. Data not prepared
    yet is checked here, so that broken data stops the workflow before any job touches results/."""
    source, path = config["source"], config["aclimdb_path"]
    if source == "aclimdb":
        if not path:
            raise WorkflowError("source aclimdb needs aclimdb_path; add --config aclimdb_path=/path/to/aclImdb_v1.tar.gz")
        if not os.path.exists(path):
            raise WorkflowError(f"aclimdb_path {path} does not exist; "
                                "download aclImdb_v1.tar.gz and point aclimdb_path at it")
    try:
        folder = f"results/data/{data.data_name(source, path, config['num_words'])}"
        if not os.path.exists(f"{folder}/tokens.json"):
            data.check_source(source, path)
    except RnnbenchError as err:
        raise WorkflowError(str(err))
    return folder


DATA = data_folder()
# This experiment's runs, summaries, figures and report: results/ by default, a folder of its own for
# another experiment (config/budget.yaml: results/budget). The data and the machine's measurements
# stay in results/data and results/machine, shared by every experiment.
OUT = config["results"]
RUN = f"{OUT}/runs/{{model}}/maxlen{{maxlen}}/seed{{seed}}"
SUMMARY = f"{OUT}/summary.csv"
SUMMARY_BY_CONFIG = f"{OUT}/summary_by_config.csv"
REPORT = f"{OUT}/report.html"
SEARCH = config.get("search")  # None, or the search's space (with its defaults) and trials
TRIAL = f"{OUT}/search/{{model}}/maxlen{{maxlen}}/seed{{seed}}/trial{{trial}}"
SEARCH_TABLE = f"{OUT}/search.csv"
BUDGET = f"{OUT}/budget.csv"
BUDGET_FIGURE = f"{OUT}/figures/budget.svg"
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
PROBE = f"results/machine/xla-{probe.machine_key(TRAIN_THREADS)}/{{model}}-maxlen{{maxlen}}.json"


def probe_input(wildcards):
    """A training run's XLA probe, where jit_compile is "auto" and the registry lets XLA be tried
    (bag-of-words is never: rnnbench/probe.py says why)."""
    if not probe.wanted(wildcards.model, config["jit_compile"]):
        return {}
    return {"probe": PROBE.format(model=wildcards.model, maxlen=wildcards.maxlen)}


onstart:
    # What a job killed mid-write left behind (a temporary file beside an output); removed under
    # Snakemake's lock, before any job starts.
    left = files.remove_temporaries("results", ["data", "machine"])
    for path in left + files.remove_temporaries(OUT, ["runs", "search", "figures"]):
        print(f"removed {path}, a temporary file left by a killed job", file=sys.stderr)


onsuccess:
    # Snakemake has recorded the finished runs now: their resume state can go (train.py: why it waits).
    train.drop_state(os.path.dirname(path) for path in runs("metrics.json") + trials("metrics.json"))


TRAINING_KEYS = ["num_words", "embedding", "units", "epochs", "batch_size", "optimizer",
                 "validation_split", "jit_compile", "deterministic"]


wildcard_constraints:
    model="|".join(config["models"]),
    maxlen=r"\d+",
    seed=r"\d+",
    trial=r"\d+",


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
    """A trial's settings: the grid's, under converge (with patience), with its draw from the search space."""
    return search.trial_config(dict(training_config(), patience=config["patience"]), SEARCH, wildcards.model, int(wildcards.maxlen),
                               int(wildcards.trial), int(wildcards.seed))


def budget_input(wildcards):
    """The report's section on budgets, where the config has a search."""
    return {"search": SEARCH_TABLE, "budget": BUDGET, "budget_figure": BUDGET_FIGURE} if SEARCH else {}
