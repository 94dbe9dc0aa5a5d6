"""`kg validate`: the shipped graph conforms; a broken file is reported violation by violation."""

import pytest

from kg.errors import DataError
from kg.validate import validate

from .conftest import EXAMPLES, FIXTURES


def test_validate_shipped_graph_conforms():
    assert validate() == []


def test_validate_user_extension_conforms():
    assert validate([EXAMPLES / "shin_splints.ttl"]) == []


def test_validate_broken_fixture_reports_each_violation():
    found = {(v.focus, v.path, v.message) for v in validate([FIXTURES / "broken_shapes.ttl"])}
    assert ("kg:HeelPain", "skos:definition", "needs a skos:definition") in found
    assert ("kg:HeelPain", "skos:prefLabel", "needs exactly one English skos:prefLabel") in found
    assert ("kg:Quadriceps", "kg:prevents",
            "the fact kg:Quadriceps kg:prevents kg:Running has no source: "
            "add an rdf:Statement with dcterms:source") in found
    assert ("kg:Quadriceps", "kg:prevents",
            "kg:Quadriceps is the subject of kg:prevents kg:Running, so it must be a kg:Activity") in found
    assert ("kg:Running", "kg:prevents",
            "kg:Running is the object of kg:Quadriceps kg:prevents, so it must be a kg:Injury") in found


def test_validate_malformed_file_is_a_data_error():
    with pytest.raises(DataError, match=r"bad_syntax.ttl:4"):
        validate([FIXTURES / "bad_syntax.ttl"])
