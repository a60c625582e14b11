"""The production settings, unchanged but for where collectstatic writes (a temporary folder
of the benchmark, LOAD_STATIC_ROOT), so a benchmark run leaves nothing in the working tree."""

import os

from config.settings.production import *  # noqa: F401,F403

STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
