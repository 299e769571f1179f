"""The benchmarks' settings: the test settings and the hand-written peer app (``bench/peer``)."""

from project.settings.test import *  # noqa: F403
from project.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "peer"]
