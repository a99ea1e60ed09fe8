"""The reference mock: an independent implementation of the five documented endpoints.

It imports nothing from the suite (conformance.* outside conformance.mock), so that suite and
mock can only agree by both following the documents.
"""
