from __future__ import annotations

import pytest

from console.text import fold


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("skaggetorp", "Skäggetorp"),
        ("TRADGARDSTORGET", "Trädgårdstorget"),
        ("  stora   torget ", "Stora torget"),
        ("hallplatser", "Hållplatser"),
    ],
)
def test_fold_matches_as_people_type(typed: str, name: str) -> None:
    assert fold(typed) == fold(name)


def test_fold_keeps_different_names_apart() -> None:
    assert fold("Berga") != fold("Ryd")
