import pytest

from rnnbench import RnnbenchError, models

SHAPE = dict(num_words=10000, maxlen=500, embedding=32, units=32)


@pytest.mark.parametrize("name", list(models.MODELS))
def test_parameter_count_matches_keras(name):
    net = models.build(name, **SHAPE)
    assert net.count_params() == models.parameter_count(name, **SHAPE)
    assert net.output_shape == (None, 1)


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


def test_unknown_model_names_the_choices():
    with pytest.raises(RnnbenchError, match="choose from bow, simple_rnn, lstm, gru"):
        models.spec("transformer")
