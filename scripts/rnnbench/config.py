"""Check the workflow configuration against its JSON schema, with one-line errors."""

import jsonschema
import yaml

from rnnbench import RnnbenchError, models


def _where(error):
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(error.absolute_path)) or "config"


def _integers(config, schema):
    """`--config maxlens=[500]` gives ['500']: read integer lists' items as integers."""
    for key, prop in schema["properties"].items():
        value = config.get(key)
        if prop.get("type") == "array" and prop["items"].get("type") == "integer" and isinstance(value, list):
            config[key] = [int(v) if isinstance(v, str) and v.strip().lstrip("-").isdigit() else v for v in value]


def check(config, schema_path):
    """Raise RnnbenchError naming the first bad key and what it allows; return the config."""
    with open(schema_path) as fh:
        schema = yaml.safe_load(fh)
    _integers(config, schema)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is None:
        return _long_enough(config)
    where, props = _where(error), schema["properties"]
    if error.validator == "additionalProperties":
        unknown = sorted(set(config) - set(props))
        raise RnnbenchError(f"unknown config key {', '.join(map(repr, unknown))}; known keys: {', '.join(props)}")
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        raise RnnbenchError(f"config {where}: {error.instance!r} is not allowed; choose from {allowed}")
    if error.validator in ("minItems",):
        raise RnnbenchError(f"config {where} is empty: the grid needs at least one value")
    if error.validator == "required":
        raise RnnbenchError(f"config: {error.message}; add it to config/config.yaml or --config")
    raise RnnbenchError(f"config {where}: {error.instance!r} is invalid ({error.message}); "
                        "see workflow/schemas/config.schema.yaml")


def _long_enough(config):
    """Every model can take every maxlen (the convnet's convolutions need enough words)."""
    for model in config["models"]:
        need = models.spec(model).min_maxlen
        short = [n for n in config["maxlens"] if n < need]
        if short:
            raise RnnbenchError(f"config maxlens: {short[0]} is too short for model {model}, which needs at least "
                                f"{need}; raise maxlens or leave {model} out of models")
    return config
