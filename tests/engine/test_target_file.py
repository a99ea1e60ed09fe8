"""Target files: every mistake is one line naming the file, the key and the fix, and exit 2."""

from pathlib import Path

import pytest
from engine_support import MINIMAL_DATA, product_table

from conformance.cli import main
from conformance.contract_files import targets_dir
from conformance.errors import UsageError
from conformance.target import load_target


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_usage_error(capsys, path: Path, *expected: str) -> str:
    code, out, err = run_cli(capsys, "--target", str(path))
    assert code == 2
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0]
    return lines[0]


GOOD_SMAT = product_table("smat", "http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD_SMAT.replace("po_id = 12345", 'po_id = "abc"'),
            [
                '[smat.data] po_id: expected an integer, got "abc"',
                "set it to the Smart Materials PO id (PohId)",
            ],
        ),
        (GOOD_SMAT.replace("base_url", "base_ur"), ["[smat] base_ur: unknown key", "base_url"]),
        (
            GOOD_SMAT.replace("timeout_seconds = 5", 'timeout_seconds = "5"'),
            ['[smat] timeout_seconds: expected a number, got "5"'],
        ),
        *(
            (GOOD_SMAT.replace("timeout_seconds = 5", f"timeout_seconds = {bad}"),
             [f"[smat] timeout_seconds: got {shown}", "at most 3600"])
            for bad, shown in (("inf", "inf"), ("nan", "nan"), ("1e12", "1000000000000.0"))
        ),
        (
            GOOD_SMAT.replace('ppe_code = "MS1"', "ppe_code = true"),
            ["[smat.data] existing_event.ppe_code: expected a string or an integer, got true"],
        ),
        (
            GOOD_SMAT.replace('project = "PRJ1"\n', ""),
            ["[smat.data] project: missing", "set it to the Smart Materials project"],
        ),
        (
            GOOD_SMAT.replace('language = "English"', 'language = "English"\ncolour = "red"'),
            ["[smat.data] colour: unknown key"],
        ),
        (
            GOOD_SMAT.replace('type = "none"', 'type = "magic"'),
            ["[smat.auth] type: unknown type 'magic'", "bearer"],
        ),
        (GOOD_SMAT.replace('"http://127.0.0.1:9"', '""'), ["[smat] base_url: empty", "--base-url"]),
        (
            GOOD_SMAT.replace('"http://127.0.0.1:9"', '"ftp://x"'),
            ["[smat] base_url: 'ftp://x' is not an http(s) URL"],
        ),
        *(
            (GOOD_SMAT.replace('"http://127.0.0.1:9"', f'"{url}"'), [f"[smat] base_url: {shown}"])
            for url, shown in (("http://[::1", "is no URL (Invalid IPv6 URL)"),
                               ("http://127.0.0.1:99999", "is no URL (Port out of range"),
                               ("http://a b.example", "is no URL (it holds white space)"))
        ),
        (
            GOOD_SMAT.replace('"http://127.0.0.1:9"', '"http://me:Hunter2pw@127.0.0.1:9"'),
            ["[smat] base_url: carries a user name or password", "[PRODUCT.auth]"],
        ),
        (
            GOOD_SMAT.replace('base_url = ', 'headers = {"X-T" = "a\\nb"}\nbase_url = '),
            ["[smat.headers] X-T: has a value HTTP cannot carry"],
        ),
        (
            GOOD_SMAT.replace('base_url = ', 'headers = {"Bad Header" = "x"}\nbase_url = '),
            ["[smat.headers] 'Bad Header': is no header name"],
        ),
        ("[target]\nname = 'x'\n", ["no product table", "[gep], [po], [smat]"]),
        ("[gepp]\n", ["gepp: unknown key"]),
        (
            GOOD_SMAT + "\n[smat.tls]\nca_bundle = 'nowhere.pem'\n",
            ["[smat.tls] ca_bundle: nowhere.pem does not exist"],
        ),
    ],
    ids=[
        "wrong-type",
        "wrong-key",
        "timeout-type",
        "timeout-inf",
        "timeout-nan",
        "timeout-huge",
        "nested-type",
        "missing-key",
        "unknown-data-key",
        "unknown-auth",
        "empty-url",
        "bad-url",
        "url-ipv6-unclosed",
        "url-port-out-of-range",
        "url-white-space",
        "url-with-password",
        "header-line-break",
        "header-name",
        "no-product",
        "unknown-table",
        "missing-ca",
    ],
)
def test_a_wrong_target_file_is_one_line_naming_file_key_and_fix(
    capsys, write_target, text, expected
):
    path = write_target(text)
    line = assert_one_line_usage_error(capsys, path, *expected)
    assert line.startswith(f"conformance: {path}: ")
    assert " — " in line  # every message ends with its fix


def test_an_unset_credential_variable_names_the_variable(capsys, write_target, monkeypatch):
    monkeypatch.delenv("ACME_PO_TOKEN", raising=False)
    path = write_target(
        product_table(
            "po",
            "https://po.example.invalid",
            '[po.auth]\ntype = "bearer"\ntoken_env = "ACME_PO_TOKEN"\n',
        )
    )
    assert_one_line_usage_error(
        capsys,
        path,
        "[po.auth] token_env names ACME_PO_TOKEN, which is not set — export it before running",
    )


def test_each_scheme_of_a_list_is_named_by_its_position(capsys, write_target, monkeypatch):
    monkeypatch.setenv("T1", "x-token")
    monkeypatch.delenv("USER_ID", raising=False)
    auth = (
        '[[po.auth]]\ntype = "bearer"\ntoken_env = "T1"\n'
        '[[po.auth]]\ntype = "header"\nheaders = { userId = "USER_ID" }\n'
    )
    path = write_target(product_table("po", "http://127.0.0.1:9", auth))
    assert_one_line_usage_error(
        capsys, path, "[[po.auth]] #2 headers userId names USER_ID, which is not set"
    )


def test_a_missing_file_and_bad_toml_are_one_line(capsys, tmp_path, write_target):
    assert_one_line_usage_error(capsys, tmp_path / "absent.toml", "no such target file")
    broken = write_target("[gep\nbase_url = ")
    assert_one_line_usage_error(capsys, broken, "not valid TOML", "fix the syntax")


def test_asking_for_a_product_the_file_lacks_is_a_usage_error(capsys, write_target):
    path = write_target(GOOD_SMAT)
    code, _, err = run_cli(capsys, "--target", str(path), "--api", "po")
    assert code == 2 and "[po]: missing, but --api asks for po" in err


def test_an_unknown_mock_fault_is_a_usage_error(capsys):
    code, _, err = run_cli(capsys, "--mock-fault", "no-such-fault")
    assert code == 2 and "no-such-fault" in err and "--list-faults" in err


def test_mock_options_with_a_target_are_refused(capsys, write_target):
    path = write_target(GOOD_SMAT)
    code, _, err = run_cli(capsys, "--target", str(path), "--mock-fault", "x")
    assert code == 2 and "--mock-fault" in err


def test_a_complete_file_loads_with_its_data_auth_and_tls(write_target, monkeypatch, tmp_path):
    monkeypatch.setenv("GEP_TOKEN", "gep-secret-value")
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    text = (
        '[target]\nname = "ACME"\n'
        + product_table(
            "gep",
            "https://gep.example.invalid/prefix/",
            '[gep.auth]\ntype = "bearer"\ntoken_env = "GEP_TOKEN"\n',
        )
        + '\n[gep.tls]\nca_bundle = "ca.pem"\n'
        + product_table("smat", "http://127.0.0.1:9")
    )
    target = load_target(write_target(text))
    gep = target.products["gep"]
    assert target.name == "ACME" and set(target.products) == {"gep", "smat"}
    assert gep.base_url == "https://gep.example.invalid/prefix"
    assert gep.verify == str(ca) and gep.has_credentials and not gep.has_low_privilege
    assert gep.data["structures"][0]["org_entities"][0]["entity_code"] == "E100"
    assert not target.products["smat"].has_credentials
    assert target.secret_values() == {"gep-secret-value"}
    assert gep.session() is gep.session()  # one shared session per privilege
    assert gep.session("none").auth.schemes == ()
    with pytest.raises(ValueError):
        gep.session("low")


def test_products_select_and_base_url_fills_empty_ones(write_target):
    text = product_table("po", "") + product_table("smat", "")
    for product in ("po", "smat"):
        text = text.replace(f'[{product}]\nbase_url = ""', f"[{product}]")
    target = load_target(write_target(text), base_url="http://127.0.0.1:7/", products=["smat"])
    assert list(target.products) == ["smat"]
    assert target.products["smat"].base_url == "http://127.0.0.1:7"


def test_the_shipped_target_files_are_valid(monkeypatch):
    from conformance import mock

    for name, value in mock.DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    target = load_target(targets_dir() / "reference.toml", base_url="http://127.0.0.1:9")
    assert set(target.products) == {"gep", "po", "smat"}
    assert target.products["smat"].data["approved_po"]["po_id"] == 8043


def test_usage_errors_carry_no_traceback():
    with pytest.raises(UsageError) as caught:
        load_target(Path("/nonexistent/target.toml"))
    assert "\n" not in str(caught.value)


def test_minimal_data_of_every_product_is_accepted(write_target):
    text = "".join(product_table(p, "http://127.0.0.1:9") for p in MINIMAL_DATA)
    assert set(load_target(write_target(text)).products) == {"gep", "po", "smat"}


def test_tls_verification_off_and_client_certificates(write_target, tmp_path):
    (tmp_path / "client.pem").write_text("cert")
    (tmp_path / "client.key").write_text("key")
    text = product_table("po", "https://po.example.invalid") + (
        '\n[po.tls]\nverify = false\nclient_cert = "client.pem"\nclient_key = "client.key"\n'
    )
    po = load_target(write_target(text)).products["po"]
    session = po.session()
    assert session.verify is False
    assert session.cert == (str(tmp_path / "client.pem"), str(tmp_path / "client.key"))


def test_default_report_dirs_of_runs_started_in_the_same_second_differ(tmp_path):
    """Each call makes its folder: a second run in the same second never writes into the first's."""
    from conformance.suite.settings import timestamped_report_dir

    first, second = timestamped_report_dir(tmp_path), timestamped_report_dir(tmp_path)
    assert first != second and first.is_dir() and second.is_dir()


def test_a_secret_where_a_variable_name_belongs_is_refused_unshown(capsys, write_target):
    """A token pasted into token_env is refused without being printed (a fresh review saw it
    in the 'which is not set' message)."""
    text = GOOD_SMAT.replace('type = "none"', 'type = "bearer"\ntoken_env = "eyJ0.SECRET.sig"')
    line = assert_one_line_usage_error(
        capsys, write_target(text), "[smat.auth] token_env: is not an environment variable name")
    assert "SECRET" not in line


def test_a_target_file_that_is_not_text_is_one_line(capsys, tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00bin")
    assert_one_line_usage_error(capsys, path, "is not UTF-8 text")


def test_an_unknown_po_id_the_file_names_as_existing_is_warned_about():
    from conformance.target_data import warnings

    data = {"po_id": 8042, "approved_po": {"po_id": 8043}}
    assert warnings("smat", {**data, "unknown_po_id": 999000001}) == []
    for known in (8042, 8043):
        (line,) = warnings("smat", {**data, "unknown_po_id": known})
        assert line.startswith("smat.data.unknown_po_id: a PO this file names as existing")
