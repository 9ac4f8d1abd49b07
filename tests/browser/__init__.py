"""Tests of the case-wall widgets: their JSON files, and their pages rendered in headless Chromium.

A package, so this folder's conftest is imported as browser.conftest and never takes the plain
`conftest` module name that tests elsewhere import from.
"""
