"""What every handler needs to answer one request: the variant's choices, the faults, the state."""

from dataclasses import dataclass

from conformance.mock.faults import FaultSet
from conformance.mock.store import MockStore
from conformance.mock.variant import Variant


@dataclass(frozen=True)
class MockContext:
    variant: Variant
    faults: FaultSet
    store: MockStore

    def text(self, documented: str) -> str:
        """A message text in the variant's letter case."""
        return self.variant.message(documented)
