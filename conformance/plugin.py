"""pytest plugin of the certification run (placeholder until the run lands).

Registered through the `pytest11` entry point, so it must stay inert unless its options are used.
"""
