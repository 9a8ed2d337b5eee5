"""rnnbench: is a recurrent network worth its compute? (IMDB, after Deep Learning with Python 6.2)."""


class RnnbenchError(Exception):
    """A problem with the user's input: its message is one line naming the culprit and the fix."""
