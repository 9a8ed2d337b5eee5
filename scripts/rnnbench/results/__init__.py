"""Stage 3: what the runs say. Summaries and intervals, the verdict and the article's claims, the
budget curve, learning curves, the plan against the runs. pandas, NumPy and SciPy only: never
TensorFlow, never the training code (tests/test_layout.py checks it)."""
