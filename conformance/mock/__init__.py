"""The reference mock: an independent implementation of the five documented endpoints.

It imports nothing from the suite (conformance.* outside conformance.mock), so that suite and
mock can only agree by both following the documents. DEMO_CREDENTIALS maps the env-var names
of targets/reference.toml to demo-only values (ALTERNATE_DEMO_CREDENTIALS does the same for
targets/mock-alternate.toml); they open nothing but a mock on loopback.
"""

from conformance.mock.seed import ALTERNATE_SEED, REFERENCE_SEED

DEMO_CREDENTIALS: dict[str, str] = REFERENCE_SEED.credentials.as_env()
ALTERNATE_DEMO_CREDENTIALS: dict[str, str] = ALTERNATE_SEED.credentials.as_env()

__all__ = ["ALTERNATE_DEMO_CREDENTIALS", "DEMO_CREDENTIALS"]
