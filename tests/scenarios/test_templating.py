"""Placeholders: data keeps its type, unknown values cannot collide, missing data is named."""

import random

import pytest

from conformance.scenarios.templating import MissingData, Resolver, parse_path

DATA = {"order_numbers": ["48000061"], "po_id": 8042, "currency_codes": ["USD", "ZZA"],
        "structures": [{"name": "S", "org_entities": [{"entity_code": "E"}]}]}


def resolver(seed=0):
    return Resolver(DATA, random.Random(seed), "gep")


def test_whole_placeholder_keeps_the_type_and_embedded_one_is_text():
    r = resolver()
    assert r.resolve("{{data.po_id}}") == 8042
    assert r.resolve("PO {{data.po_id}}") == "PO 8042"
    assert r.resolve({"k": ["{{data.structures[0].org_entities[0].entity_code}}"]}) == {"k": ["E"]}


def test_same_unknown_name_gives_the_same_value_within_a_run():
    r = resolver()
    assert r.resolve("{{unknown.a}}") == r.resolve("{{unknown.a}}") != r.resolve("{{unknown.b}}")
    assert r.resolve("{{unknown.a}}").startswith("ZZ-UNKNOWN-")


@pytest.mark.parametrize("length", [1, 3, 4, 10, 11, 25])
def test_unknown_of_a_length_has_exactly_that_length(length):
    assert len(resolver().resolve(f"{{{{unknown.x:{length}}}}}")) == length


def test_unknown_never_equals_a_value_of_the_target():
    for seed in range(200):
        assert resolver(seed).resolve("{{unknown.c:3}}") not in DATA["currency_codes"]


def test_unknown_int_has_the_digits_asked_for():
    r = resolver()
    assert len(str(r.resolve("{{unknown_int.po:9}}"))) == 9
    assert isinstance(r.resolve("{{unknown_int.attp}}"), int)


def test_text_has_exactly_the_length_asked_for():
    assert len(resolver().resolve("{{text:501}}")) == 501


def test_missing_data_names_the_full_key():
    with pytest.raises(MissingData) as missing:
        resolver().resolve("{{data.structures[1].name}}")
    assert missing.value.key == "gep.data.structures[1].name"


def test_unknown_placeholder_and_bad_path_are_errors():
    with pytest.raises(ValueError):
        resolver().resolve("{{random}}")
    with pytest.raises(ValueError):
        parse_path("a..b")
