import os

from snakemake.utils import validate

from rnnbench import RnnbenchError
from rnnbench.config import check

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
try:
    check(config, SCHEMA)
except RnnbenchError as err:
    raise WorkflowError(str(err))
validate(config, SCHEMA)

DATA = f"results/data/{config['source']}-w{config['num_words']}"
RUN = "results/runs/{model}/maxlen{maxlen}/seed{seed}"
SUMMARY = "results/summary.csv"
SUMMARY_BY_CONFIG = "results/summary_by_config.csv"
REPORT = "results/report.html"
REPORT_SOURCES = os.path.join(workflow.basedir, "report")  # template and styles


def train_threads():
    """Training takes every core it is given, so two timed runs never share a core. Under a
    cluster executor there is no --cores: the profile's set-threads decides (profiles/slurm)."""
    if config["threads"]:
        return config["threads"]
    try:
        return workflow.cores or os.cpu_count()
    except WorkflowError:
        return os.cpu_count()


TRAIN_THREADS = train_threads()

TRAINING_KEYS = ["num_words", "embedding", "units", "epochs", "batch_size", "optimizer",
                 "validation_split", "jit_compile", "deterministic"]


wildcard_constraints:
    model="|".join(config["models"]),
    maxlen=r"\d+",
    seed=r"\d+",


def runs(name):
    """One path per model x maxlen x seed of the grid."""
    return expand(f"{RUN}/{name}", model=config["models"], maxlen=config["maxlens"], seed=config["seeds"])


def source_input(wildcards):
    """The aclImdb archive or directory, so that a changed one prepares the data again."""
    if config["source"] != "aclimdb":
        return []
    if not config["aclimdb_path"]:
        raise WorkflowError("source aclimdb needs aclimdb_path; add --config aclimdb_path=/path/to/aclImdb_v1.tar.gz")
    if not os.path.exists(config["aclimdb_path"]):
        raise WorkflowError(f"aclimdb_path {config['aclimdb_path']} does not exist; "
                            "download aclImdb_v1.tar.gz and point aclimdb_path at it")
    return config["aclimdb_path"]


def training_config():
    return {key: config[key] for key in TRAINING_KEYS}
