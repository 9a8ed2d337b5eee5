"""The model registry: name -> builder, with analytic parameter and FLOP counts.

Adding a model is one entry in MODELS. Counts follow each layer's formula, with
d = embedding size, u = units, V = num_words, T = maxlen:

- Embedding(V, d): V*d parameters, no multiply-adds (a lookup).
- a gated cell with g weight blocks (SimpleRNN 1, GRU 3, LSTM 4): g*(d*u + u*u + u) parameters,
  plus g*u more for GRU's second (recurrent) bias, as Keras builds it with reset_after=True;
  2*g*(d + u)*u FLOPs per time step (the two matrix products; element-wise work is not counted).
- Dense(n -> m): n*m + m parameters, 2*n*m FLOPs.

Training FLOPs per sample are 3x the forward FLOPs (one forward, two backward products), the
usual estimate; per epoch they are multiplied by the number of training samples.
"""

from dataclasses import dataclass

from rnnbench import RnnbenchError


@dataclass(frozen=True)
class Model:
    label: str
    cell: str | None          # Keras layer name of the recurrent cell, None for bag-of-words
    gates: int = 0            # weight blocks of the cell
    extra_bias: bool = False  # GRU's reset_after recurrent bias
    xla: bool = True          # jit_compile "auto": XLA where it measured faster (README, Speed)


MODELS = {
    # XLA compiles CategoryEncoding's scatter into a loop that takes minutes per epoch on CPU.
    "bow": Model("bag-of-words", None, xla=False),
    "simple_rnn": Model("SimpleRNN", "SimpleRNN", gates=1),
    "lstm": Model("LSTM", "LSTM", gates=4),
    "gru": Model("GRU", "GRU", gates=3, extra_bias=True),
}
BOW_HIDDEN = 16


def spec(name):
    if name not in MODELS:
        raise RnnbenchError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return MODELS[name]


def jit_compile(name, setting):
    """Keras's jit_compile for a model under the config's setting: "on", "off", or "auto" (the
    registry's measured choice)."""
    return {"on": True, "off": False}.get(setting, spec(name).xla)


def _dense(n, m):
    return n * m + m, 2 * n * m


def _layers(name, num_words, maxlen, embedding, units):
    """(parameters, forward FLOPs per sample) of each layer."""
    m = spec(name)
    if m.cell is None:
        return [_dense(num_words, BOW_HIDDEN), _dense(BOW_HIDDEN, BOW_HIDDEN), _dense(BOW_HIDDEN, 1)]
    cell_params = m.gates * (embedding * units + units * units + units) + (m.gates * units if m.extra_bias else 0)
    cell_flops = 2 * m.gates * (embedding + units) * units * maxlen
    return [(num_words * embedding, 0), (cell_params, cell_flops), _dense(units, 1)]


def parameter_count(name, num_words, maxlen, embedding, units):
    return sum(p for p, _ in _layers(name, num_words, maxlen, embedding, units))


def training_flops_per_sample(name, num_words, maxlen, embedding, units):
    return 3 * sum(f for _, f in _layers(name, num_words, maxlen, embedding, units))


def build(name, num_words, maxlen, embedding, units):
    """The uncompiled Keras model, built for int sequences of length maxlen."""
    import keras
    from keras import layers

    m = spec(name)
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="review")
    if m.cell is None:
        # Chollet's earlier network: a multi-hot vector of the words, two small dense layers.
        x = layers.CategoryEncoding(num_tokens=num_words, output_mode="multi_hot")(inputs)
        x = layers.Dense(BOW_HIDDEN, activation="relu")(x)
        x = layers.Dense(BOW_HIDDEN, activation="relu")(x)
    else:
        x = layers.Embedding(num_words, embedding)(inputs)
        x = getattr(layers, m.cell)(units)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name=name)
