"""HUBO files: exact round trips, no overwrite, and one clear error per malformed file."""

import json

import dimod
import numpy as np
import pytest

from qanneal.errors import OutputError, ProblemFileError
from qanneal.hubo.io import load_polynomial, save_polynomial, write_new_file
from qanneal.hubo.walsh import walsh_polynomial
from qanneal.models import BinaryPerceptron


def assert_identical(loaded, poly):
    assert loaded.vartype is poly.vartype
    assert set(loaded) == {term for term, bias in poly.items() if term or bias != 0}
    for term in loaded:
        assert loaded[term] == poly[term]  # bit-identical floats
        assert [type(v) for v in sorted(term, key=str)] == [
            type(v) for v in sorted(next(t for t in poly if t == term), key=str)
        ]


@pytest.mark.parametrize("vartype", [dimod.SPIN, dimod.BINARY])
def test_round_trip_is_exact(tmp_path, vartype):
    rng = np.random.default_rng(1)
    labels = ["a", "b", 0, 1, 2, "3", 2.5]  # 3 and "3" stay different variables
    terms = {(): float(rng.normal())}
    for _ in range(40):
        size = int(rng.integers(1, 5))
        chosen = rng.choice(len(labels), size, replace=False)
        terms[tuple(labels[i] for i in chosen)] = float(rng.normal() * 10.0 ** rng.integers(-9, 9))
    terms[("a", "b")] = 0.1 + 0.2  # a float whose repr has 17 digits
    terms[(0,)] = 1e-300
    poly = dimod.BinaryPolynomial(terms, vartype)
    path = tmp_path / "p.json"
    save_polynomial(poly, path, metadata={"problem": "x.toml", "n": 7, "nested": {"a": [1]}})
    loaded, metadata = load_polynomial(path)
    assert_identical(loaded, poly)
    assert metadata == {"problem": "x.toml", "n": 7, "nested": {"a": [1]}}
    document = json.loads(path.read_text())
    assert document["format"] == "qanneal-hubo" and document["version"] == 1
    assert document["vartype"] == vartype.name
    assert document["offset"] == terms[()]


def test_round_trip_of_a_walsh_polynomial_without_constant(tmp_path):
    rng = np.random.default_rng(2)
    model = BinaryPerceptron(6, rng.choice([-1.0, 1.0], (4, 6)), rng.choice([-1, 1], 4))
    poly = walsh_polynomial(model, max_degree=3)
    save_polynomial(poly, tmp_path / "w.json")
    loaded, metadata = load_polynomial(tmp_path / "w.json")
    assert_identical(loaded, poly)
    assert metadata == {}
    empty = dimod.BinaryPolynomial({"ab": 1.0}, dimod.SPIN)
    save_polynomial(empty, tmp_path / "e.json")
    assert () not in load_polynomial(tmp_path / "e.json")[0]


def test_never_overwrites_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("precious")
    poly = dimod.BinaryPolynomial({"a": 1.0}, dimod.SPIN)
    with pytest.raises(OutputError, match="already exists"):
        save_polynomial(poly, path)
    with pytest.raises(OutputError, match="already exists"):
        write_new_file(path, b"new")  # the race check inside the atomic write
    assert path.read_text() == "precious"
    with pytest.raises(OutputError, match="does not exist"):
        save_polynomial(poly, tmp_path / "nowhere" / "p.json")
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]


@pytest.mark.parametrize(
    ("terms", "fragment"),
    [
        ({(("x", 1),): 1.0}, "labels must be str, int or finite float"),
        ({(True,): 1.0}, "labels must be"),
        ({("a",): float("nan")}, "finite biases"),
        ({(): float("inf")}, "finite biases"),
    ],
)
def test_refuses_to_write_what_cannot_be_read_back(tmp_path, terms, fragment):
    with pytest.raises(OutputError, match=fragment):
        save_polynomial(dimod.BinaryPolynomial(terms, dimod.SPIN), tmp_path / "p.json")
    with pytest.raises(OutputError, match="metadata is not JSON"):
        save_polynomial(
            dimod.BinaryPolynomial({"a": 1}, dimod.SPIN),
            tmp_path / "q.json",
            metadata={"x": object()},
        )
    assert list(tmp_path.iterdir()) == []


def document(**changes):
    base = {
        "format": "qanneal-hubo",
        "version": 1,
        "vartype": "SPIN",
        "offset": 0.5,
        "terms": [[["a"], 1.0], [["a", "b"], -2.0]],
        "metadata": {},
    }
    base.update(changes)
    return json.dumps(base)


BAD_FILES = [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "is a JSON object"),
    (document(format="other"), "not a qanneal HUBO file"),
    (document(version=2), "this qanneal reads version 1"),
    (document(vartype="ISING"), "'vartype' is 'ISING'"),
    (document(extra=1), "unknown key 'extra'"),
    (
        json.dumps({"format": "qanneal-hubo", "version": 1, "vartype": "SPIN"}),
        "missing key 'terms'",
    ),
    (document(terms={"a": 1}), "'terms' must be a list"),
    (document(terms=[["a", 1.0]]), "term 0: .* is not a \\[labels, bias\\] pair"),
    (document(terms=[[["a"], 1.0, 2.0]]), "not a \\[labels, bias\\] pair"),
    (document(terms=[[["a"], "1.0"]]), 'term 0 bias: "1.0" is not a number'),
    (document(terms=[[["a"], True]]), "is not a number"),
    (document(terms=[[["a", None], 1.0]]), "label null is not a string or number"),
    (document(terms=[[[["a"]], 1.0]]), "is not a string or number"),
    (document(terms=[[["a", "a"], 1.0]]), "repeat a variable"),
    (document(terms=[[[], 1.0]]), "the constant belongs in 'offset'"),
    (document(terms=[[["a", "b"], 1.0], [["b", "a"], 2.0]]), "term 1 repeats the monomial"),
    (document(offset="x"), "'offset': \"x\" is not a number"),
    (document(metadata=[1]), "'metadata' must be a JSON object"),
    (
        '{"format": "qanneal-hubo", "version": 1, "vartype": "SPIN", "terms": [[["a"], NaN]]}',
        "bias: nan is not finite",
    ),
    (
        '{"format": "qanneal-hubo", "version": 1, "vartype": "SPIN", "terms": [[["a"], 1e400]]}',
        "is not finite",
    ),
    (
        '{"format": "qanneal-hubo", "version": 1, "vartype": "SPIN", "terms": [], '
        '"offset": -Infinity}',
        "'offset': -inf is not finite",
    ),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES)
def test_each_malformed_file_is_one_clear_error(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ProblemFileError, match=fragment) as caught:
        load_polynomial(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_unreadable_files(tmp_path):
    with pytest.raises(ProblemFileError, match=r"cannot read .*missing\.json"):
        load_polynomial(tmp_path / "missing.json")
    (tmp_path / "latin1.json").write_bytes(b'{"format": "\xe9"}')
    with pytest.raises(ProblemFileError, match="not valid JSON"):
        load_polynomial(tmp_path / "latin1.json")
