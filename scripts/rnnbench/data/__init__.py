"""Stage 1: texts from a source -> token ids (once per source x num_words) -> padded arrays (once
per maxlen), and the subsets of the learning curves. Knows nothing of training."""
