"""Stage 4: figures (matplotlib) and the self-contained HTML page, one module per group of
sections. Reads the results' files; never imports TensorFlow or the training code."""
