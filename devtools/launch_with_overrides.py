"""Run an action script as `__main__` after setting constants of modules in Managers/
(dev tooling only, never packaged).

    SOAR_LOCAL_OVERRIDES='{"BulkEngine.MAX_WORKERS": 1}' \\
        python devtools/launch_with_overrides.py ActionsScripts/CreateUser.py <AppKey>

The local runner starts scripts through this file for `run_script(..., overrides=...)`, so a
benchmark can run the very same product code with another value of a constant (concurrency 1
against the default) without a test-only branch in the product.

The value is set right after the module is imported and before the script runs, so every other
module sees it, even through `from Module import NAME`. Only what the module itself derived from
the constant while being imported (a default argument, `POOL = MAX_WORKERS + 2`) keeps the original.
"""

import importlib
import json
import os
import runpy
import sys

OVERRIDES_ENV = "SOAR_LOCAL_OVERRIDES"


def apply_overrides(overrides):
    """Set each "Module.NAME" to its value; an unknown module or name is an error, not a no-op,
    so a typo can never leave a measurement silently running the default."""
    for target, value in overrides.items():
        module_name, _, attribute = target.rpartition(".")
        if not module_name or not attribute:
            raise SystemExit(f"override {target!r}: expected Module.NAME")
        module = importlib.import_module(module_name)
        if not hasattr(module, attribute):
            raise SystemExit(f"override {target!r}: module {module_name} has no {attribute}")
        setattr(module, attribute, value)


def main():
    script, *arguments = sys.argv[1:]
    # As `python <script>` would have it: the script's folder first on sys.path, not devtools/,
    # before any import, so a module name can never resolve to a devtools file.
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    sys.argv = [script, *arguments]
    apply_overrides(json.loads(os.environ.get(OVERRIDES_ENV) or "{}"))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
