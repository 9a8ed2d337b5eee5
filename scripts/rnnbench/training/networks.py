"""The models' Keras layers: the uncompiled network of each name in the registry (rnnbench/models.py,
where their sizes and analytic counts are)."""

from rnnbench import RnnbenchError
from rnnbench.models import (BIGRAM_BUCKETS, BOW_HIDDEN, CONV_FILTERS, CONV_KERNEL, CONV_POOL, FEED_FORWARD, HEADS,
                             spec)


def _bigram_layer(num_words):
    import keras
    from keras import ops

    class Bigrams(keras.layers.Layer):
        """Unigram ids followed by hashed bigram ids of the same padded sequence (0 where either word
        is padding), for one embedding table: fastText's bag of n-grams without new tokenising."""

        def call(self, ids):
            ids = ops.cast(ids, "int32")
            first, second = ids[:, :-1], ids[:, 1:]
            hashed = (first * num_words + second) % BIGRAM_BUCKETS + num_words  # < 2**31 for num_words < 46,000
            bigrams = ops.where((first > 0) & (second > 0), hashed, ops.zeros_like(hashed))
            return ops.concatenate([ids, bigrams], axis=1)

    return Bigrams(name="bigrams")


def _positions(maxlen, embedding):
    import keras

    class Positions(keras.layers.Layer):
        """Adds a learned embedding of each position, 0..maxlen-1."""

        def build(self, shape):
            self.table = self.add_weight(shape=(maxlen, embedding), initializer="uniform", name="table")

        def call(self, x):
            return x + self.table

    return Positions(name="positions")


def _encoder_block(x, embedding):
    from keras import layers

    attended = layers.MultiHeadAttention(num_heads=HEADS, key_dim=embedding // HEADS)(x, x)
    x = layers.LayerNormalization()(x + attended)
    fed = layers.Dense(FEED_FORWARD, activation="relu")(x)
    fed = layers.Dense(embedding)(fed)
    return layers.LayerNormalization()(x + fed)


def build(name, num_words, maxlen, embedding, units, classes=2):
    """The uncompiled Keras model, built for int sequences of length maxlen, for `classes` labels."""
    import keras
    from keras import layers

    m = spec(name)
    if m.family == "linear":
        raise RnnbenchError(f"model {name} is a linear model, not a Keras network: rnnbench/training/linear.py fits it")
    if maxlen < m.min_maxlen:
        raise RnnbenchError(f"model {name} needs maxlen of at least {m.min_maxlen}, not {maxlen}")
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="review")
    if name == "bow":
        # Chollet's earlier network: a multi-hot vector of the words, two small dense layers.
        x = layers.CategoryEncoding(num_tokens=num_words, output_mode="multi_hot")(inputs)
        x = layers.Dense(BOW_HIDDEN, activation="relu")(x)
        x = layers.Dense(BOW_HIDDEN, activation="relu")(x)
    elif name == "bigram_bag":
        ids = _bigram_layer(num_words)(inputs)
        x = layers.Embedding(num_words + BIGRAM_BUCKETS, embedding, mask_zero=True)(ids)
        x = layers.GlobalAveragePooling1D()(x)  # the mask keeps padding out of the average
    elif name == "cnn":
        x = layers.Embedding(num_words, embedding)(inputs)
        x = layers.Conv1D(CONV_FILTERS, CONV_KERNEL, activation="relu")(x)
        x = layers.MaxPooling1D(CONV_POOL)(x)
        x = layers.Conv1D(CONV_FILTERS, CONV_KERNEL, activation="relu")(x)
        x = layers.GlobalMaxPooling1D()(x)
    elif name == "transformer":
        x = _positions(maxlen, embedding)(layers.Embedding(num_words, embedding)(inputs))
        x = _encoder_block(x, embedding)
        x = layers.GlobalAveragePooling1D()(x)
    else:
        x = layers.Embedding(num_words, embedding)(inputs)
        cell = getattr(layers, m.cell)(units)
        x = (layers.Bidirectional(cell) if m.bidirectional else cell)(x)
    if classes <= 2:
        out = layers.Dense(1, activation="sigmoid")(x)
    else:
        out = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, out, name=name)
