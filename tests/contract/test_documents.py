"""The vendored documents are the originals, byte for byte."""

from pathlib import Path

import pytest

from conformance.catalog import documents_dir

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_five_documents_are_vendored():
    names = sorted(p.name for p in documents_dir().glob("*.txt"))
    assert names == [
        "000_9d9b69b51a0de0a1.txt",
        "001_b5807dd04f6f0178.txt",
        "002_920c0a3d60bf9d0c.txt",
        "003_90eee2ba65329290.txt",
        "004_86f0d8f3ca14de21.txt",
    ]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason=f"no originals at {SHARED_SEEDS} to compare")
@pytest.mark.parametrize("original", sorted(SHARED_SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_vendored_copy_equals_original(original):
    assert (documents_dir() / original.name).read_bytes() == original.read_bytes()
