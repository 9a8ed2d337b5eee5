import pytest

from rnnbench import RnnbenchError, models
from rnnbench.training import networks

SHAPE = dict(num_words=10000, maxlen=500, embedding=32, units=32)


@pytest.mark.parametrize("name", [m for m in models.MODELS if models.keras(m)])
@pytest.mark.parametrize("classes", [2, 5])
def test_parameter_count_matches_keras(name, classes):
    """Two classes: the article's one sigmoid unit; more: a softmax over them."""
    net = networks.build(name, **SHAPE, classes=classes)
    assert net.count_params() == models.parameter_count(name, **SHAPE, classes=classes)
    assert net.output_shape == (None, 1 if classes == 2 else classes)
    assert models.loss(classes) == ("binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy")


def test_parameter_counts_of_the_article():
    # Embedding 320,000 + cell + Dense(32 -> 1) 33, as Keras's model.summary() prints them.
    assert models.parameter_count("simple_rnn", **SHAPE) == 320000 + 2080 + 33
    assert models.parameter_count("lstm", **SHAPE) == 320000 + 8320 + 33
    assert models.parameter_count("gru", **SHAPE) == 320000 + 6336 + 33
    assert models.parameter_count("bow", **SHAPE) == 160016 + 272 + 17


def test_training_flops_formula():
    # LSTM: 3 x (2 * 4 gates * (32 + 32) * 32 per step * 500 steps + 2 * 32 for the output layer)
    assert models.training_flops_per_sample("lstm", **SHAPE) == 3 * (2 * 4 * 64 * 32 * 500 + 64)
    assert models.training_flops_per_sample("bow", **SHAPE) == 3 * 2 * (10000 * 16 + 16 * 16 + 16)
    # Recurrent cost grows with maxlen, bag-of-words does not.
    longer = dict(SHAPE, maxlen=1000)
    assert models.training_flops_per_sample("gru", **longer) > 1.99 * models.training_flops_per_sample("gru", **SHAPE)
    assert models.training_flops_per_sample("bow", **longer) == models.training_flops_per_sample("bow", **SHAPE)


def test_flops_of_the_added_models():
    d, T = 32, 500
    # 1D convnet: 494 steps of Conv1D(7 x 32 -> 32), pooled by 5 to 98, then 92 steps of Conv1D(7 x 32 -> 32).
    assert models.training_flops_per_sample("cnn", **SHAPE) == 3 * (2 * 7 * d * 32 * 494 + 2 * 7 * 32 * 32 * 92 + 64)
    assert models.training_flops_per_sample("bilstm", **SHAPE) == 3 * (2 * 2 * 4 * 64 * 32 * T + 2 * 64)
    attention = 4 * 2 * T * d * d + 2 * 2 * T * T * d + T * (2 * d * 32 + 2 * 32 * d)
    assert models.training_flops_per_sample("transformer", **SHAPE) == 3 * (attention + 2 * d)
    # The transformer's attention grows with the square of maxlen.
    longer = dict(SHAPE, maxlen=1000)
    assert models.training_flops_per_sample("transformer", **longer) > 3 * models.training_flops_per_sample("transformer", **SHAPE)


def test_bigram_bag_ignores_padding():
    import numpy as np

    net = networks.build("bigram_bag", num_words=100, maxlen=12, embedding=8, units=8)
    review = [5, 17, 42, 9]
    short = np.array([[0] * 8 + review], dtype="int32")
    other = np.array([[0] * 2 + [0] * 6 + review], dtype="int32")
    shifted = np.array([[0] * 4 + review + [0] * 4], dtype="int32")  # padding after: same words and bigrams
    out = [float(net.predict(x, verbose=0)[0, 0]) for x in (short, other, shifted)]
    assert out[0] == pytest.approx(out[1]) and out[0] == pytest.approx(out[2], abs=1e-6)


def test_cnn_needs_reviews_long_enough_for_its_convolutions():
    networks.build("cnn", num_words=100, maxlen=41, embedding=8, units=8)
    with pytest.raises(RnnbenchError, match="cnn needs maxlen of at least 41, not 40"):
        networks.build("cnn", num_words=100, maxlen=40, embedding=8, units=8)


def test_unknown_model_names_the_choices():
    with pytest.raises(RnnbenchError, match="choose from bow, bigram_bag, tfidf_lr, nbsvm, cnn, simple_rnn, lstm, gru, bilstm, transformer"):
        models.spec("lstmm")
