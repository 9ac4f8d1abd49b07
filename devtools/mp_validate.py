#!/usr/bin/env python3
"""Check a built package with Google's own `mp` tool: its data models and its validators.

Run it with the Python of a virtualenv that holds mp (never the project's .venv; see docs/development.md,
"Check the package with Google's validator"):

    make package && rm -rf build/unzipped && unzip -q dist/*.zip -d build/unzipped
    ~/.mpvenv/bin/python devtools/mp_validate.py build/unzipped

What it does, all through mp's code:
1. loads every file of the package through mp's models, one by one (the .def, each .actiondef
   with its AI metadata, each widget), then the whole package as mp's build does;
2. turns the package into the source layout of Google's content-hub repository with mp's own
   deconstruct step, in a temporary folder;
3. runs mp's integration validators on that source, except those that only make sense in a
   content-hub checkout (uv.lock, development dependencies, version bump against git).

Prints one line per finding and ends with `mp_validate: OK` or `mp_validate: N problems`; exits 0
only when OK. The package is custom (IsCustom true), as an IDE import needs, so mp's "custom
component" finding is expected and reported as a note.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# mp keeps settings and telemetry under the user's config folder: give it a throw-away one.
_WORK = Path(tempfile.mkdtemp(prefix="mp_validate_"))
os.environ["XDG_CONFIG_HOME"] = str(_WORK / "config")
(_WORK / "config" / "mp-cli-tool").mkdir(parents=True)
(_WORK / "config" / "mp-cli-tool" / "telemetry_config.yaml").write_text(
    "install_id: mp-validate\nuuid4: 00000000-0000-0000-0000-000000000000\nreport: false\n", encoding="utf-8")

try:
    import mp.core.config
    import mp.core.constants as C
    from mp.build_project.restructure.integrations.deconstruct import DeconstructIntegration
    from mp.core.data_models.integrations.action.metadata import ActionMetadata
    from mp.core.data_models.integrations.action_widget.metadata import ActionWidgetMetadata
    from mp.core.data_models.integrations.integration import Integration
    from mp.core.data_models.integrations.integration_meta.metadata import IntegrationMetadata
    from mp.core.exceptions import FatalValidationError, NonFatalValidationError
    from mp.validate.validations.integrations import get_integration_validations
except ImportError as missing:
    sys.exit(f"mp is not importable ({missing}); run this with the Python of the virtualenv that holds mp")

# Validators about a content-hub checkout, not about a package.
CHECKOUT_ONLY = {"Uv Lock", "Dependency Provider Validation", "Required Dev Dependencies",
                 "Integration Version Bump"}
# Expected for a package imported through the IDE.
CUSTOM_PACKAGE = {"Custom Components Validation"}
# Content-hub naming style; Google's own AWSIAM fails it too (its display name has parentheses).
STYLE_ONLY = {"Fields Validation"}


class Findings:
    def __init__(self):
        self.problems = 0

    def problem(self, where, what):
        self.problems += 1
        print(f"PROBLEM [{where}] {_short(what)}")

    @staticmethod
    def note(where, what):
        print(f"NOTE [{where}] {_short(what)}")


def _short(error, limit=400):
    """One line: the error and what caused it (mp wraps pydantic's reasons in its own errors)."""
    parts, seen = [], set()
    while isinstance(error, BaseException) and id(error) not in seen:
        seen.add(id(error))
        parts.append(str(error))
        error = error.__cause__ or error.__context__
    text = " <- ".join(parts) if parts else str(error)
    line = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[:limit - 3] + "..."


def load_each_file(package: Path, findings: Findings) -> None:
    try:
        IntegrationMetadata.from_built_path(package)
    except Exception as err:  # noqa: BLE001 - any refusal by mp's model is a finding
        findings.problem(".def", err)
    for folder, suffix, model in ((C.OUT_ACTIONS_META_DIR, C.ACTIONS_META_SUFFIX, ActionMetadata),
                                  (C.OUT_WIDGETS_META_DIR, C.JSON_SUFFIX, ActionWidgetMetadata)):
        for path in sorted((package / folder).glob(f"*{suffix}")):
            try:
                model._from_built_path(path)
            except Exception as err:  # noqa: BLE001
                findings.problem(f"{folder}/{path.name}", err)


def deconstruct(package: Path, identifier: str) -> Path:
    """The package in content-hub's source layout, made by mp's deconstruct step."""
    root = _WORK / "content-hub"
    integrations = root / C.CONTENT_DIR_NAME / C.INTEGRATIONS_DIR_NAME
    (integrations / C.COMMERCIAL_REPO_NAME).mkdir(parents=True)
    source = integrations / C.THIRD_PARTY_REPO_NAME / C.COMMUNITY_DIR_NAME / identifier.lower()
    source.mkdir(parents=True)
    mp.core.config.set_marketplace_path(root)
    step = DeconstructIntegration(path=package, out_path=source, integration=Integration.from_built_path(package))
    step.deconstruct_integration_files()
    # What `uv init` would write; mp fills in the rest from the package.
    (source / C.PROJECT_FILE).write_text('[project]\nname = "x"\nversion = "0.1.0"\ndescription = ""\n'
                                         'requires-python = ">=3.11"\ndependencies = []\n', encoding="utf-8")
    step.update_pyproject()
    return source


def run_validators(source: Path, findings: Findings) -> None:
    for validator in get_integration_validations():
        if validator.name in CHECKOUT_ONLY:
            continue
        try:
            validator.run(source)
        except (NonFatalValidationError, FatalValidationError) as err:
            if validator.name in CUSTOM_PACKAGE | STYLE_ONLY:
                findings.note(validator.name, err)
            else:
                findings.problem(validator.name, err)


def main(argv) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    findings = Findings()
    definitions = sorted(Path(argv[0]).glob("Integration-*.def"))
    if len(definitions) != 1:
        findings.problem("package", f"expected one Integration-*.def, found {len(definitions)}")
        print(f"mp_validate: {findings.problems} problems")
        return 1
    identifier = definitions[0].stem.removeprefix("Integration-")
    package = _WORK / "built" / identifier  # mp finds Integration-<folder name>.def
    shutil.copytree(argv[0], package)
    load_each_file(package, findings)
    try:
        source = deconstruct(package, identifier)
    except Exception as err:  # noqa: BLE001
        findings.problem("mp deconstruct", err)
    else:
        run_validators(source, findings)
    print("mp_validate: OK" if not findings.problems else f"mp_validate: {findings.problems} problems")
    return 0 if not findings.problems else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    finally:
        shutil.rmtree(_WORK, ignore_errors=True)
