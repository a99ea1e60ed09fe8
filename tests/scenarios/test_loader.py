"""A broken scenario file stops the run with a UsageError naming the file and the problem."""

import textwrap

import pytest

from conformance.errors import UsageError
from conformance.scenarios import load_scenarios

GOOD = """\
id: {id}
title: A body that is not valid JSON is rejected
operation: updateProcessedPorStatus
source: {{doc: 000_9d9b69b51a0de0a1.txt, section: Request}}
rules: [{rule}]
steps:
  - request:
      raw_body: '{{'
    expect:
      - {{judge: {judge}, rule: {judged}}}
"""


def write(tmp_path, folder="updateProcessedPorStatus", name="x-is-rejected", **fields):
    values = {"id": name, "rule": "GEP-NO-SERVER-ERROR", "judged": "GEP-NO-SERVER-ERROR",
              "judge": "rejected", **fields}
    (tmp_path / folder).mkdir(exist_ok=True)
    path = tmp_path / folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(GOOD.format(**values)))
    return path


def test_good_file_loads(tmp_path):
    write(tmp_path)
    [scenario] = load_scenarios(tmp_path)
    assert scenario.id == "x-is-rejected" and scenario.product == "gep"
    assert scenario.profile == "smoke" and scenario.met == ("GEP-NO-SERVER-ERROR",)


@pytest.mark.parametrize(("fields", "problem"), [
    ({"id": "other"}, "differs from the file name stem"),
    ({"rule": "GEP-NOPE", "judged": "GEP-NOPE"}, "not in specs/rules.yaml"),
    ({"rule": "SMAT-UPSERT", "judged": "SMAT-UPSERT"}, "does not apply to"),
    ({"judged": "GEP-JSON-RESPONSE"}, "differ from the rules judged"),
    ({"judge": "looks_fine"}, "is not one of"),
    ({"judge": "odata_response"}, "does not apply to gep"),
])
def test_broken_file_names_file_and_problem(tmp_path, fields, problem):
    path = write(tmp_path, **fields)
    with pytest.raises(UsageError) as error:
        load_scenarios(tmp_path)
    assert str(path) in str(error.value) and problem in str(error.value)


def test_wrong_folder_and_bad_yaml_are_named(tmp_path):
    path = write(tmp_path, folder="modifyPurchaseOrder")
    with pytest.raises(UsageError, match="is in modifyPurchaseOrder/"):
        load_scenarios(tmp_path)
    path.unlink()
    (tmp_path / "updateProcessedPorStatus").mkdir()
    bad = tmp_path / "updateProcessedPorStatus" / "y.yaml"
    bad.write_text("id: [")
    with pytest.raises(UsageError, match="not valid YAML"):
        load_scenarios(tmp_path)


def test_duplicate_ids_across_operations_are_refused(tmp_path):
    write(tmp_path)
    other = tmp_path / "updateContactInterfaceStatus"
    other.mkdir()
    text = (tmp_path / "updateProcessedPorStatus" / "x-is-rejected.yaml").read_text()
    (other / "x-is-rejected.yaml").write_text(text.replace(
        "updateProcessedPorStatus", "updateContactInterfaceStatus"))
    with pytest.raises(UsageError, match="also used by"):
        load_scenarios(tmp_path)
