"""Check the workflow configuration against its JSON schema, with one-line errors."""

import jsonschema
import yaml

from rnnbench import RnnbenchError, models
from rnnbench.training import search


def _where(error):
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(error.absolute_path)) or "config"


def _typed(value, schema):
    """`--config` hands Snakemake's YAML strings on: `maxlens=[500]` gives ['500'], `search={trials: 4}`
    gives {'trials': '4'}. Read the numbers that the schema asks for as numbers, at any depth."""
    kind = schema.get("type")
    if isinstance(value, str):
        text = value.strip()
        if kind == "integer" and text.lstrip("-").isdigit():
            return int(text)
        if kind == "number":
            try:
                return float(text)
            except ValueError:
                return value
    if isinstance(value, list) and "items" in schema:
        return [_typed(v, schema["items"]) for v in value]
    if isinstance(value, dict) and "properties" in schema:
        return {k: _typed(v, schema["properties"].get(k, {})) for k, v in value.items()}
    return value


def check(config, schema_path):
    """Raise RnnbenchError naming the first bad key and what it allows; return the config."""
    with open(schema_path) as fh:
        schema = yaml.safe_load(fh)
    config.update(_typed(dict(config), schema))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is None:
        return _patient(_long_enough(config))
    where, props = _where(error), schema["properties"]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        unknown = sorted(set(error.instance) - set(known))
        key = "config key" if not error.absolute_path else f"config {where} key"
        raise RnnbenchError(f"unknown {key} {', '.join(map(repr, unknown))}; known keys: {', '.join(known)}")
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        raise RnnbenchError(f"config {where}: {error.instance!r} is not allowed; choose from {allowed}")
    if error.validator in ("minItems",):
        raise RnnbenchError(f"config {where} is empty: the grid needs at least one value")
    if error.validator == "required":
        raise RnnbenchError(f"config: {error.message}; add it to config/config.yaml or --config")
    raise RnnbenchError(f"config {where}: {error.instance!r} is invalid ({error.message}); "
                        "see workflow/schemas/config.schema.yaml")


def _patient(config):
    """Under converge, epochs is the cap: a patience that reaches it would never stop a run early.
    The search's trials train under converge whatever the schedule: its space is checked and
    completed here."""
    if config.get("search"):
        config["search"] = search.check(config["search"], config["patience"], config["epochs"])
    if config.get("schedule") == "converge" and config.get("patience", 0) >= config["epochs"]:
        raise RnnbenchError(f"config patience: {config['patience']} is not below epochs {config['epochs']}, the cap "
                            "of schedule converge; lower patience or raise epochs (e.g. epochs=60)")
    return config


def _long_enough(config):
    """Every model can take every maxlen (the convnet's convolutions need enough words)."""
    for model in config["models"]:
        need = models.spec(model).min_maxlen
        short = [n for n in config["maxlens"] if n < need]
        if short:
            raise RnnbenchError(f"config maxlens: {short[0]} is too short for model {model}, which needs at least "
                                f"{need}; raise maxlens or leave {model} out of models")
    return config
