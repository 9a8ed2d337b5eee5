import os
import sys

from snakemake.utils import validate

from rnnbench import RnnbenchError, data, files, probe, train
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
RUN = "results/runs/{model}/maxlen{maxlen}/seed{seed}"
SUMMARY = "results/summary.csv"
SUMMARY_BY_CONFIG = "results/summary_by_config.csv"
REPORT = "results/report.html"
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
    for path in files.remove_temporaries("results", ["data", "runs", "machine", "figures"]):
        print(f"removed {path}, a temporary file left by a killed job", file=sys.stderr)


onsuccess:
    # Snakemake has recorded the finished runs now: their resume state can go (train.py: why it waits).
    train.drop_state(os.path.dirname(path) for path in runs("metrics.json"))


TRAINING_KEYS = ["num_words", "embedding", "units", "epochs", "batch_size", "optimizer",
                 "validation_split", "jit_compile", "deterministic"]


wildcard_constraints:
    model="|".join(config["models"]),
    maxlen=r"\d+",
    seed=r"\d+",


def runs(name):
    """One path per model x maxlen x seed of the grid."""
    return expand(f"{RUN}/{name}", model=config["models"], maxlen=config["maxlens"], seed=config["seeds"])


def training_config():
    return {key: config[key] for key in TRAINING_KEYS}
