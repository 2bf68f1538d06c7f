"""Property tests of the vectorised building blocks against plain-Python references."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from meter2cash.interpret.vee.arrays import forward_fill_index, group_ids, run_lengths, runs_2d

matrices = arrays(bool, st.tuples(st.integers(0, 6), st.integers(0, 12)))
vectors = st.integers(0, 30).flatmap(lambda n: st.tuples(arrays(bool, n), arrays(bool, n)))


@given(matrices)
def test_runs_rebuild_the_mask_and_are_maximal(flags):
    rows, first, last = runs_2d(flags)
    rebuilt = np.zeros_like(flags)
    for r, a, b in zip(rows, first, last, strict=True):
        assert a <= b and flags[r, a : b + 1].all()
        assert a == 0 or not flags[r, a - 1]
        assert b == flags.shape[1] - 1 or not flags[r, b + 1]
        rebuilt[r, a : b + 1] = True
    assert (rebuilt == flags).all()


@given(vectors)
def test_run_lengths_match_a_loop(pair):
    flags, breaks = pair
    expected, run = [], 0
    for flag, brk in zip(flags, breaks, strict=True):
        run = (1 if brk else run + 1) if flag else 0
        expected.append(run)
    assert run_lengths(flags, breaks).tolist() == expected


@given(vectors)
def test_forward_fill_index_matches_a_loop(pair):
    mask, breaks = pair
    expected, last = [], -1
    for i, (flag, brk) in enumerate(zip(mask, breaks, strict=True)):
        if brk:
            last = -1
        if flag:
            last = i
        expected.append(last)
    assert forward_fill_index(mask, breaks).tolist() == expected


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 3)), max_size=40))
def test_group_ids_equal_iff_all_columns_equal(pairs):
    first = np.array([p[0] for p in pairs], dtype=object)
    second = np.array([p[1] for p in pairs], dtype=np.int64)
    ids = group_ids(first, second) if pairs else np.zeros(0, dtype=np.int64)
    for i in range(len(pairs)):
        for j in range(len(pairs)):
            assert (ids[i] == ids[j]) == (pairs[i] == pairs[j])
