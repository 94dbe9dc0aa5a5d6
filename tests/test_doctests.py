"""The examples in the packages' docstrings run, so they stay true."""

import doctest

import pytest

import kg
import nlp


@pytest.mark.parametrize("module", [kg, nlp], ids=lambda m: m.__name__)
def test_doctests_in_the_package_docstrings_pass(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
