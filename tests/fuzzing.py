"""Hostile data packages for fuzzing the package reader and ``perfeval check`` (hypothesis strategies).

Shared by the suite (tests/unit/test_fuzz_packages.py, a few hundred cases) and benchmarks/fuzz.py (20,000+).
Three shapes, as the tester of issue 11 made them:

- *mutated* seeds: 1-6 changes to a real packet (a value replaced by a hostile one, a key dropped, renamed or
  added, a list item duplicated or emptied, a whole branch replaced by another type);
- *byte-level* damage of a seed's JSON (flipped bits, cut ends, inserted bytes): what a bad USB stick does;
- *generated* documents shaped like a package, every value drawn from the hostile pool.

:func:`run_case` is the check itself: a package is either read, evaluated and rendered (text and ``--json``), or
refused with a :class:`~app.domain.package.PackageError`.  Anything else is an internal error.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from app.commands.check import render_table
from app.domain.evaluate import evaluate
from app.domain.package import PackageError, read_package_bytes

DATA = Path(__file__).resolve().parent / "data"
SEEDS: list[dict[str, Any]] = [json.loads(p.read_text("utf-8")) for p in sorted(DATA.glob("seed_00[0-9].json"))]

#: texts that broke something once, or could: formulas, paths, odd digits, surrogates, control characters
NASTY_TEXT = [
    "", " ", "——", "-", "=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "a.b", "x[0]", "]", "..", "[",
    "²⁰²⁴", "٢٠٢٤", "２０２４", "1" * 29, "9" * 400, "1e400", "-1e-400", "NaN", "Infinity", "-0", "0x1F",
    "1,334.62", "1,33,4.62", "12.5万", "3亿", "￥3.4", "85.32%", "%", "100%%", "１２．５", "12。5", "1_000",
    "\ud800", "\udfff", "a\ud83db", "\U0001f600", "\x00", "\x01\x02", "\u200b", "\ufeff", "\u202e反转",
    "单" * 300, "长" * 5000, "\n\r\t", "<script>", "'; DROP TABLE units; --", "%s%n", "{}", "[]", "null",
    "proportional", "bands", "manual", "deduct_per_point", "standard", "cost_level1", "unknown-pack",
]
NASTY_NUMBERS: list[Any] = [
    0, -1, 1, 2**31, 2**63, 10**28, 10**29, -(10**40), 10**300, 1990, 2200, 2201, 0.1, -0.0, 1e-300, 1e300,
    3.141592653589793, True, False, None,
]


def _nasty_values() -> st.SearchStrategy[Any]:
    scalar = st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.sampled_from(NASTY_NUMBERS),
        st.text(max_size=30),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    )
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.sampled_from([*NASTY_TEXT, "k", "min", "ratio"]), inner,
                                                         max_size=4)
        ),
        max_leaves=8,
    )


NASTY = _nasty_values()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


#: a handful of hostile values per case comes from hypothesis; the choices of where they go come from a seeded
#: ``random.Random`` it also draws (drawing every choice through hypothesis costs ~100 ms a case)
_VALUES = st.lists(NASTY, min_size=1, max_size=8)
_SCALARS = st.lists(st.one_of(st.sampled_from(NASTY_TEXT), st.sampled_from(NASTY_NUMBERS), st.text(max_size=20)),
                    min_size=1, max_size=8)


@st.composite
def mutated_seeds(draw: st.DrawFn) -> bytes:
    rng = draw(st.randoms(use_true_random=False))
    values, scalars = draw(_VALUES), draw(_SCALARS)
    doc = copy.deepcopy(rng.choice(SEEDS))
    for _ in range(rng.randint(1, 6)):
        paths = _paths(doc)
        path = rng.choice(paths[1:] or paths)
        if not path:
            break
        parent, last = _get(doc, path[:-1]), path[-1]
        action = rng.choice(["scalar"] * 6 + ["replace", "drop", "rename", "add", "dup", "empty"])
        if action == "scalar":  # the usual hostile cell: the right place, a bad value (mostly still read)
            parent[last] = rng.choice(scalars)
        elif action == "replace":
            parent[last] = rng.choice(values)
        elif action == "drop":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[rng.choice(NASTY_TEXT)] = parent.pop(last)
        elif action == "add" and isinstance(parent, dict):
            parent[rng.choice([*NASTY_TEXT, "min", "ratio", "bands", "lines", "funds"])] = rng.choice(values)
        elif action == "dup" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif action == "empty":
            parent[last] = rng.choice([{}, [], "", None, 0])
    # escapes (ensure_ascii) let lone surrogates through JSON as \ud800
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    rng = draw(st.randoms(use_true_random=False))
    data = bytearray(json.dumps(rng.choice(SEEDS), ensure_ascii=rng.random() < 0.5).encode())
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        at = rng.randrange(len(data))
        kind = rng.choice(["flip", "cut", "insert", "delete"])
        if kind == "flip":
            data[at] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + rng.randint(1, 16)]
    return bytes(data)


@st.composite
def generated_packages(draw: st.DrawFn) -> bytes:
    rng = draw(st.randoms(use_true_random=False))
    values, scalars = draw(_VALUES), draw(_SCALARS)

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items() if rng.random() > 0.1}  # 1 in 10 keys dropped
        if isinstance(node, list):
            return [fill(v) for v in node[: rng.randint(0, 3)]]
        roll = rng.random()
        return rng.choice(scalars) if roll < 0.3 else rng.choice(values) if roll < 0.35 else node

    doc = fill(copy.deepcopy(rng.choice(SEEDS)))
    doc["format"] = rng.choice(["perfeval-package/1"] * 8 + ["perfeval-package/0", "perfeval-package/2"])
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


PACKAGES = st.one_of(mutated_seeds(), mutated_seeds(), damaged_bytes(), generated_packages())


def run_case(data: bytes) -> str:
    """``read``, ``refused`` or raises: what ``perfeval check`` does with the bytes, without the file."""
    try:
        packet = read_package_bytes(data, source="fuzz.json")
    except PackageError as exc:
        message = exc.one_line()
        assert message and "Traceback" not in message
        message.encode("utf-8")  # printable: no lone surrogate quoted back
        return "refused"
    result = evaluate(packet)
    render_table(packet.unit.name, packet.year, result, len(packet.projects))
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")
    return "read"
