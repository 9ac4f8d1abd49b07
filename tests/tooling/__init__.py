"""Tests of the local SOAR runtime (devtools/).

A package, so this folder's conftest is imported as tooling.conftest and never takes the
plain `conftest` module name that tests elsewhere import from.
"""
