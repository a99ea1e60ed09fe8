"""Where the contract files are, in a checkout and in an installed wheel alike.

In a wheel, ``specs/`` and ``targets/`` are copied into ``conformance/_contract/``; in a checkout
(editable install or plain ``PYTHONPATH``) they are read from the repository root, so that an
edit to a spec is seen without reinstalling.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    bundled = _PACKAGE / "_contract" / name
    if bundled.is_dir():
        return bundled
    in_checkout = _PACKAGE.parent / name
    if in_checkout.is_dir():
        return in_checkout
    raise FileNotFoundError(
        f"the contract folder {name!r} is neither in the installed package ({bundled}) nor in a "
        f"source checkout ({in_checkout}); reinstall the package"
    )


def read_yaml(path: Path):
    """A contract file's YAML, parsed with libyaml when PyYAML has it (several times faster than
    the pure-Python parser; same safe subset). Raises yaml.YAMLError as yaml.safe_load does."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


def specs_dir() -> Path:
    """The folder of OpenAPI specs, the rule catalog and the scenarios."""
    return _locate("specs")


def targets_dir() -> Path:
    """The folder of shipped target files (the reference mock's and the live template)."""
    return _locate("targets")
