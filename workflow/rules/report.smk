rule aggregate:
    input:
        metrics=runs("metrics.json"),
    output:
        runs=report(SUMMARY, caption="../../report/captions/summary.rst", category="Tables",
                    labels={"table": "one row per run"}),
        by_config=report(SUMMARY_BY_CONFIG, caption="../../report/captions/by_config.rst", category="Tables",
                         labels={"table": "one row per model x maxlen"}),
    log:
        f"{OUT}/logs/aggregate.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/aggregate.py"


# All the training-curve figures in one job: a job per figure paid a Python start and the imports
# each, about 3 s a job beside a busy core; one job drew eight in 2 s alone (make test's eight
# models, AMD EPYC, 2026-12-02).
rule history_figures:
    input:
        histories=runs("history.csv"),
    output:
        [
            report(
                path,
                caption="../../report/captions/history.rst",
                category="Training curves",
                labels={"model": model, "maxlen": str(maxlen)},
            )
            for (model, maxlen), path in zip(CURVE_CONFIGS, HISTORY_FIGURES)
        ],
    params:
        configs=CURVE_CONFIGS,
    log:
        f"{OUT}/logs/figures/history.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/plot_history.py"


rule compute_figure:
    input:
        by_config=SUMMARY_BY_CONFIG,
    output:
        report(
            f"{OUT}/figures/compute_vs_accuracy.svg",
            caption="../../report/captions/compute.rst",
            category="Compute vs accuracy",
            labels={"figure": "compute vs accuracy"},
        ),
    params:
        epochs=config["epochs"],
    log:
        f"{OUT}/logs/figures/compute.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/plot_compute.py"


# The search's trials, what k of them buy (rnnbench/results/budget.py) and its figure.
rule budget:
    input:
        trials=trials("metrics.json"),
        runs=SUMMARY,
    output:
        search=report(SEARCH_TABLE, caption="../../report/captions/search.rst", category="Tables",
                      labels={"table": "one row per trial of the search"}),
        budget=BUDGET,
        figure=report(BUDGET_FIGURE, caption="../../report/captions/budget.rst", category="Compute vs accuracy",
                      labels={"figure": "accuracy at every budget"}),
    params:
        schedule=config["schedule"],
    log:
        f"{OUT}/logs/budget.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/budget.py"


# Learning curves: accuracy against training reviews, fitted, and the answer (rnnbench/results/curves.py).
rule scaling:
    input:
        sizes=size_runs("metrics.json"),
        grid=curve_grid_runs("metrics.json"),
        tokens=f"{DATA}/tokens.npz",
    output:
        table=report(SIZES_TABLE, caption="../../report/captions/sizes.rst", category="Tables",
                     labels={"table": "one row per run of the learning curves"}),
        curves=CURVES,
        figure=report(SIZES_FIGURE, caption="../../report/captions/sizes_figure.rst", category="Compute vs accuracy",
                      labels={"figure": "accuracy against training reviews"}),
    log:
        f"{OUT}/logs/scaling.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../../scripts/scaling.py"


rule report:
    input:
        unpack(budget_input),
        unpack(sizes_input),
        runs=SUMMARY,
        by_config=SUMMARY_BY_CONFIG,
        metrics=runs("metrics.json"),
        histories=runs("history.csv"),
        compute=f"{OUT}/figures/compute_vs_accuracy.svg",
        history=HISTORY_FIGURES,
        data=f"{DATA}/tokens.json",
        tokens=f"{DATA}/tokens.npz",
        peak=PEAK,
        plan=PLAN,
        benchmarks=train_benchmarks(),  # each job's wall seconds, set against the plan
        template=f"{REPORT_SOURCES}/report.html.j2",
        style=f"{REPORT_SOURCES}/style.css",
    output:
        REPORT,
    log:
        f"{OUT}/logs/report.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/render_report.py"
