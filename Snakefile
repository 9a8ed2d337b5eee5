# rnnbench: is a recurrent network worth its compute?
# IMDB sentiment after Deep Learning with Python 6.2, every model x maxlen x seed.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "report/workflow.rst"


# Jobs of a few seconds that read small files run where Snakemake runs, not as cluster jobs: on
# SLURM each cluster job waits for the plugin's status checks (docs/clusters.md).
localrules:
    all,
    plan,
    aggregate,
    history_figures,
    compute_figure,
    budget,
    scaling,
    report,


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/plan.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        planned,
    default_target: True
