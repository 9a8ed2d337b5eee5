# The archive is a param, not an input: its content names the DATA folder, so a changed
# archive prepares into a new folder and Snakemake never deletes data made from the old one.
rule prepare:
    output:
        tokens=f"{DATA}/tokens.npz",
        meta=f"{DATA}/tokens.json",
    params:
        source=config["source"],
        path=config["aclimdb_path"],
        num_words=config["num_words"],
    log:
        "results/logs/prepare.log",
    benchmark:
        "results/benchmarks/prepare.tsv"
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    script:
        "../../scripts/prepare_data.py"


# Texts of one's own, star ratings, characters: data_path and the data settings are params of a rule
# of their own (the IMDB rule above stays as it was, so that its data is not prepared again).
if config["source"] in sources.OWN or sources.options_of(config):

    rule prepare_texts:
        output:
            tokens=f"{DATA}/tokens.npz",
            meta=f"{DATA}/tokens.json",
        params:
            source=config["source"],
            path=sources.data_path(config),
            num_words=config["num_words"],
            options=sources.options_of(config),
        log:
            "results/logs/prepare.log",
        benchmark:
            "results/benchmarks/prepare.tsv"
        conda:
            "../envs/rnnbench.yaml"
        threads: 1
        resources:
            mem_mb=4000,
            runtime=20,
        script:
            "../../scripts/prepare_texts.py"

    ruleorder: prepare_texts > prepare


rule pad:
    input:
        tokens=f"{DATA}/tokens.npz",
    output:
        f"{DATA}/maxlen{{maxlen}}.npz",
    params:
        padding=config["padding"],
        truncating=config["truncating"],
    log:
        "results/logs/pad-maxlen{maxlen}.log",
    benchmark:
        "results/benchmarks/pad-maxlen{maxlen}.tsv"
    conda:
        "../envs/rnnbench.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    script:
        "../../scripts/pad_data.py"
