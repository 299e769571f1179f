"""The hand-written peer of ``case_transition`` for ``bench/transitions.py``: what a competent
Django team writes without a low-code engine. Installed only by the benchmark's settings
(``bench/_settings.py``); its tables are created with the benchmark's throw-away database."""
