"""`conformance selftest`: the suite's mutation score against the reference mock.

The suite certifies the mock clean (both latitude variants) and once per mutant: each named
fault of the mock (`conformance.mock.faults.FAULTS`) and each response mutant generated from the
response schemas of `specs/*.yaml` (`mutants.generated_mutants`), planted by an ASGI layer
wrapped around the mock app from outside the mock package (`mutating`). The score says, per
mutant, whether a rule it breaks failed (caught), only other rules failed (caught by a wrong
rule), or nothing failed (survived). Adapters layer: it may start the mock, never judge with it.
"""
