"""Stage 2: one training run per model x maxlen x seed (trial, size), and what it costs: the
networks, the fit with its resume state, the search's draws, the machine's clocks and cores, the XLA
probe, and the plan that estimates the runs before they start."""
