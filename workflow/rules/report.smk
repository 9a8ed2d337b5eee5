rule aggregate:
    input:
        metrics=runs("metrics.json"),
    output:
        runs=report(SUMMARY, caption="../../report/captions/summary.rst", category="Tables",
                    labels={"table": "one row per run"}),
        by_config=report(SUMMARY_BY_CONFIG, caption="../../report/captions/by_config.rst", category="Tables",
                         labels={"table": "one row per model x maxlen"}),
    log:
        "results/logs/aggregate.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/aggregate.py"


rule history_figure:
    input:
        histories=expand(f"{RUN}/history.csv", seed=config["seeds"], allow_missing=True),
    output:
        report(
            "results/figures/history/{model}-maxlen{maxlen}.svg",
            caption="../../report/captions/history.rst",
            category="Training curves",
            labels={"model": "{model}", "maxlen": "{maxlen}"},
        ),
    log:
        "results/logs/figures/history-{model}-maxlen{maxlen}.log",
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
            "results/figures/compute_vs_accuracy.svg",
            caption="../../report/captions/compute.rst",
            category="Compute vs accuracy",
            labels={"figure": "compute vs accuracy"},
        ),
    params:
        epochs=config["epochs"],
    log:
        "results/logs/figures/compute.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/plot_compute.py"


rule report:
    input:
        runs=SUMMARY,
        by_config=SUMMARY_BY_CONFIG,
        metrics=runs("metrics.json"),
        histories=runs("history.csv"),
        compute="results/figures/compute_vs_accuracy.svg",
        history=expand("results/figures/history/{model}-maxlen{maxlen}.svg",
                       model=config["models"], maxlen=config["maxlens"]),
        data=f"{DATA}/tokens.json",
        peak=PEAK,
        template=f"{REPORT_SOURCES}/report.html.j2",
        style=f"{REPORT_SOURCES}/style.css",
    output:
        REPORT,
    log:
        "results/logs/report.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/render_report.py"
