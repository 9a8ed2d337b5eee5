"""The model registry: each model's name, label, family and colour, with analytic parameter and FLOP
counts; every stage names models by it. Their Keras layers: rnnbench/training/networks.py.

Adding a model is one entry in MODELS, its counts in _layers and its layers in networks.build. Counts follow each
layer's formula, with d = embedding size, u = units, V = num_words, T = maxlen:

- Embedding(V, d): V*d parameters, no multiply-adds (a lookup).
- a gated cell with g weight blocks (SimpleRNN 1, GRU 3, LSTM 4): g*(d*u + u*u + u) parameters,
  plus g*u more for GRU's second (recurrent) bias, as Keras builds it with reset_after=True;
  2*g*(d + u)*u FLOPs per time step (the two matrix products; element-wise work is not counted).
  Bidirectional: twice both.
- Dense(n -> m): n*m + m parameters, 2*n*m FLOPs.
- Conv1D(k, f filters) over L output steps of c channels: k*c*f + f parameters, 2*k*c*f*L FLOPs.
- Multi-head attention, h heads of size k over T steps: 4 projections (query, key, value, output)
  of d*h*k + bias, 2*T*d*h*k FLOPs each; scores and weighted sum 2*T*T*h*k FLOPs each.
- LayerNormalization: 2*d parameters; pooling and averaging: no parameters, not counted.

The output is Dense(1, sigmoid) for two classes (the article's), Dense(k, softmax) for k > 2.

Training FLOPs per sample are 3x the forward FLOPs (one forward, two backward products), the
usual estimate; per epoch they are multiplied by the number of training samples.

Keras's own cells, unchanged: with XLA their step is as fast as this machine gave. Tried on
2026-11-28 (AMD EPYC, one pinned core, one thread, XLA, batch 128, maxlen 500, ms per training step
inside fit): the cell's input products for all time steps computed before the loop (cuDNN's trick;
a Dense layer before an RNN cell that keeps only the recurrent product) made LSTM slower, 97.0
against 73.9, and GRU 75.8 against 71.7: the loop's cost is its steps, not its input products.
XLA_FLAGS --xla_cpu_use_thunk_runtime=false and --xla_cpu_use_fusion_emitters=false gave LSTM 78.9
and 84.9, GRU 73.6 and 70.7: no gain.
"""

from dataclasses import dataclass

from rnnbench import RnnbenchError


@dataclass(frozen=True)
class Model:
    label: str
    family: str               # bag, convolution, recurrent, attention
    color: str                # in the report's figures and table
    priced_against: str | None = None  # the model its step in the price-of-accuracy table starts from
    cell: str | None = None   # Keras layer name of the recurrent cell
    gates: int = 0            # weight blocks of the cell
    extra_bias: bool = False  # GRU's reset_after recurrent bias
    bidirectional: bool = False
    xla: bool = True          # jit_compile "auto": XLA where it measured faster (README, Speed)
    min_maxlen: int = 1       # the shortest reviews it can take


BOW_HIDDEN = 16
BIGRAM_BUCKETS = 2 ** 16            # hashed bigram ids, after the num_words unigram ids
CONV_FILTERS, CONV_KERNEL, CONV_POOL = 32, 7, 5
HEADS, FEED_FORWARD = 2, 32          # key size: embedding // HEADS
# The convnet's two valid convolutions and pooling: T-6 steps, pooled to (T-6)//5 >= 7 for the second.
CONV_MIN_MAXLEN = CONV_POOL * CONV_KERNEL + CONV_KERNEL - 1

# Colours told apart by family: greys for the bags, brown for the convnet, the article's blue, red and
# green for its cells (purple for the bidirectional LSTM), orange for attention. Price steps: the
# article's ladder (bag-of-words -> SimpleRNN -> LSTM/GRU), each alternative from bag-of-words, and
# the bidirectional LSTM from LSTM.
MODELS = {
    # XLA compiles CategoryEncoding's scatter into a loop that takes minutes per epoch on CPU.
    "bow": Model("bag-of-words", "bag", "#6b6b6b", xla=False),
    "bigram_bag": Model("bag of bigrams", "bag", "#a8a8a8", "bow"),
    # scikit-learn on the same tokens' n-grams (rnnbench/training/linear.py); no Keras, no XLA.
    "tfidf_lr": Model("TF-IDF + LR", "linear", "#bcbd22", xla=False),
    "nbsvm": Model("NBSVM", "linear", "#17becf", xla=False),
    "cnn": Model("1D convnet", "convolution", "#8c564b", "bow", min_maxlen=CONV_MIN_MAXLEN),
    "simple_rnn": Model("SimpleRNN", "recurrent", "#1f77b4", "bow", "SimpleRNN", gates=1),
    "lstm": Model("LSTM", "recurrent", "#d62728", "simple_rnn", "LSTM", gates=4),
    "gru": Model("GRU", "recurrent", "#2ca02c", "simple_rnn", "GRU", gates=3, extra_bias=True),
    "bilstm": Model("bidirectional LSTM", "recurrent", "#9467bd", "lstm", "LSTM", gates=4, bidirectional=True),
    "transformer": Model("Transformer", "attention", "#ff7f0e", "bow"),
}
ARTICLE = ["bow", "simple_rnn", "lstm", "gru"]  # the article's four: the default grid
FAMILIES = ["bag", "linear", "convolution", "recurrent", "attention"]
SEQUENCE = ("convolution", "recurrent", "attention")  # the families that read the words in order
# What a trial of the search draws: the optimizer's rate, the batch, and the shape settings a model
# has; for a linear model, its regularisation strength C instead (trial_keys).
SPACE_KEYS = ["learning_rate", "batch_size", "embedding", "units", "C"]


def spec(name):
    if name not in MODELS:
        raise RnnbenchError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return MODELS[name]


def hyperparameters(name):
    """The shape settings a model's layers use: every network but bag-of-words embeds its words, only
    the recurrent cells have units (the others' sizes are fixed above); a linear model has neither."""
    m = spec(name)
    if m.family == "linear":
        return set()
    return ({"embedding"} if name != "bow" else set()) | ({"units"} if m.cell else set())


def trial_keys(name):
    """The settings a search trial of the model draws (rnnbench/training/search.py)."""
    if spec(name).family == "linear":
        return ["C"]
    return ["learning_rate", "batch_size", *sorted(hyperparameters(name))]


def keras(name):
    """Whether the model is a Keras network (trained by epochs), not a linear model fitted by a solver."""
    return spec(name).family != "linear"


def jit_compile(name, setting):
    """Keras's jit_compile for a model under the config's setting: "on", "off", or "auto" (the
    registry's measured choice)."""
    return {"on": True, "off": False}.get(setting, spec(name).xla)


def _dense(n, m):
    return n * m + m, 2 * n * m


def _conv(kernel, channels, filters, steps):
    return kernel * channels * filters + filters, 2 * kernel * channels * filters * steps


def outputs(classes):
    """Units of the output layer: one sigmoid for two classes, a softmax over more."""
    return 1 if classes <= 2 else classes


def loss(classes):
    return "binary_crossentropy" if classes <= 2 else "sparse_categorical_crossentropy"


def _layers(name, num_words, maxlen, embedding, units, classes=2):
    """(parameters, forward FLOPs per sample) of each layer. A linear model's weights are one per
    n-gram its training reviews hold, known after they are counted: its run records them."""
    m = spec(name)
    if m.family == "linear":
        return []
    d, T, k = embedding, maxlen, outputs(classes)
    if name == "bow":
        return [_dense(num_words, BOW_HIDDEN), _dense(BOW_HIDDEN, BOW_HIDDEN), _dense(BOW_HIDDEN, k)]
    if name == "bigram_bag":
        return [((num_words + BIGRAM_BUCKETS) * d, 0), _dense(d, k)]
    if name == "cnn":
        first = T - CONV_KERNEL + 1
        second = first // CONV_POOL - CONV_KERNEL + 1
        return [(num_words * d, 0), _conv(CONV_KERNEL, d, CONV_FILTERS, first),
                _conv(CONV_KERNEL, CONV_FILTERS, CONV_FILTERS, second), _dense(CONV_FILTERS, k)]
    if name == "transformer":
        inner = HEADS * (d // HEADS)
        projections = [(d * inner + inner, 2 * T * d * inner)] * 3 + [(inner * d + d, 2 * T * inner * d)]
        attention = (0, 2 * 2 * T * T * inner)
        feed = [(p, T * f) for p, f in (_dense(d, FEED_FORWARD), _dense(FEED_FORWARD, d))]
        return [(num_words * d, 0), (T * d, 0), *projections, attention, (2 * d, 0), *feed, (2 * d, 0),
                _dense(d, k)]
    directions = 2 if m.bidirectional else 1
    cell_params = m.gates * (d * units + units * units + units) + (m.gates * units if m.extra_bias else 0)
    cell_flops = 2 * m.gates * (d + units) * units * T
    return [(num_words * d, 0), (directions * cell_params, directions * cell_flops), _dense(directions * units, k)]


def parameter_count(name, num_words, maxlen, embedding, units, classes=2):
    return sum(p for p, _ in _layers(name, num_words, maxlen, embedding, units, classes))


def training_flops_per_sample(name, num_words, maxlen, embedding, units, classes=2):
    return 3 * sum(f for _, f in _layers(name, num_words, maxlen, embedding, units, classes))
