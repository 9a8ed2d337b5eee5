"""The timing tools beside the pipeline: the regression suite's comparisons (bench), the A/B driver
and its calibration, the pipeline's own speed, and the plain-Keras yardstick. They may import the
pipeline; the pipeline never imports them."""
