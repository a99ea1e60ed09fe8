"""A wheel built from the repository carries the contract: installed elsewhere, it finds it."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("p2p_conformance-*.whl")
    return built


def test_wheel_holds_specs_scenarios_documents_and_targets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    contract = "conformance/_contract/"
    for needed in (
        "specs/rules.yaml",
        "specs/gep-smart.yaml",
        "specs/po-service.yaml",
        "specs/smart-materials.yaml",
        "specs/documents/004_86f0d8f3ca14de21.txt",
        "specs/schemas/rules.schema.json",
        "targets/reference.toml",
        "targets/live-template.toml",
    ):
        assert contract + needed in names, needed
    assert any(n.startswith(contract + "specs/scenarios/") for n in names)


@pytest.mark.slow
def test_installed_wheel_outside_the_checkout_finds_its_contract(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    probe = (
        "import json, conformance, conformance.contract_files as c, conformance.catalog as k, "
        "conformance.scenarios as s; print(json.dumps({'package': conformance.__file__, "
        "'specs': str(c.specs_dir()), 'rules': len(k.load_rules()), "
        "'scenarios': len(s.load_scenarios()), 'version': conformance.__version__}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,  # not the checkout
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["package"].startswith(str(site))
    assert seen["specs"] == str(site / "conformance" / "_contract" / "specs")
    assert seen["rules"] >= 40 and seen["scenarios"] >= 65
    assert seen["version"] != "0.0.0+source"
