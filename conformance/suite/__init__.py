"""The items of a certification run (`pytest --pyargs conformance.suite --conformance-target F`).

Collected only in a run the plugin activated; outside one, every item skips.
"""
