from pathlib import Path

from rnnbench.report import render
from rnnbench.entry import logged

inp = snakemake.input
with logged(snakemake.log[0]):
    figures = {"compute": inp.compute}
    figures.update({"history-" + Path(p).stem.replace("-maxlen", "-"): p for p in inp.history})
    if "budget_figure" in inp.keys():
        figures["budget"] = inp.budget_figure
    if "sizes_figure" in inp.keys():
        figures["sizes"] = inp.sizes_figure
    render.render(inp.runs, inp.by_config, inp.metrics, inp.histories, figures, inp.template, inp.style,
                  snakemake.output[0], data_meta=inp.data, peak=inp.peak,
                  search_csv=inp.get("search"), budget_csv=inp.get("budget"), plan_path=inp.get("plan"),
                  sizes_csv=inp.get("sizes"), curves_json=inp.get("curves"), tokens_npz=inp.tokens)
