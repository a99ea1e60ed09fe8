"""Test-wide: the helpers every folder of tests shares (tests/run_helpers.py) are importable."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
