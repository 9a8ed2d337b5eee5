rule aggregate:
    input:
        metrics=runs("metrics.json"),
    output:
        runs=SUMMARY,
        by_config=SUMMARY_BY_CONFIG,
    log:
        "results/logs/aggregate.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/aggregate.py"
