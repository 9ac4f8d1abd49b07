#!/usr/bin/env python3
"""Build the SOAR import package: dist/<Identifier><YYYYMMDD>.zip (see docs/package-format.md).

ZIP root: Integration-<Identifier>.def, ActionsDefinitions/*.actiondef, ActionsScripts/*.py,
Managers/*.py, Widgets/*.json, Connectors/*.connectordef, ConnectorsScripts/*.py,
DefaultMappingRules/integration_mapping_rules.json and Dependencies/*.whl, where Dependencies holds the runtime
requirements from pyproject.toml and everything they depend on, as wheels for CPython 3.11
manylinux x86_64. A widget ships only once its action does (an .actiondef of the same stem).
The wheels are downloaded once per requirement set into build/wheels-<hash>/ and reused after that.
"""
import argparse
import datetime
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from requirements import requirements  # noqa: E402  (devtools/requirements.py)
from widgets import out_of_date  # noqa: E402  (devtools/widgets.py)

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUILD = ROOT / "build"

# Product folders copied flat into the ZIP, with the files each one contributes.
SOURCES = {"ActionsDefinitions": "*.actiondef", "ActionsScripts": "*.py", "Managers": "*.py", "Widgets": "*.json",
           "Connectors": "*.connectordef", "ConnectorsScripts": "*.py",
           # The mapping that makes a connector's event field an alert's entity, as mp builds it.
           "DefaultMappingRules": "integration_mapping_rules.json"}
DEPENDENCIES = "Dependencies"
WIDGETS = "Widgets"

# What the platform runs: CPython 3.11 on manylinux x86_64.
PIP_TARGET = [
    "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
    "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_17_x86_64", "--platform", "any",
]


def is_sdk_module(path: Path) -> bool:
    """The platform provides its SDK (SiemplifyAction, ScriptResult, ...); a shipped copy would shadow it."""
    return path.stem.startswith("Siemplify") or path.stem == "ScriptResult"


def integration_definition() -> tuple[Path, str]:
    """The repository's single .def file and its Identifier (which must match the file name)."""
    found = sorted(ROOT.glob("Integration-*.def"))
    if len(found) != 1:
        raise SystemExit(f"expected exactly one Integration-*.def in {ROOT}, found {len(found)}")
    path = found[0]
    identifier = json.loads(path.read_text(encoding="utf-8"))["Identifier"]
    if path.name != f"Integration-{identifier}.def":
        raise SystemExit(f"{path.name} does not match its Identifier {identifier!r}")
    return path, identifier


def wheel_cache(reqs: list[str]) -> Path:
    """The cache folder for this exact requirement set and target platform."""
    key = hashlib.sha256(json.dumps([sorted(reqs), PIP_TARGET]).encode()).hexdigest()[:16]
    return BUILD / f"wheels-{key}"


def fetch_wheels(reqs: list[str]) -> list[Path]:
    """Wheels of `reqs` and their transitive dependencies; downloads only on a cache miss."""
    cache = wheel_cache(reqs)
    if not cache.is_dir():
        BUILD.mkdir(exist_ok=True)
        # Download into a scratch folder and rename it, so an interrupted download is never cached.
        scratch = Path(tempfile.mkdtemp(prefix=".wheels-", dir=BUILD))
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                            "-q", *PIP_TARGET, "-d", str(scratch), *reqs], check=True)
            try:
                scratch.rename(cache)
            except OSError:
                if not cache.is_dir():  # not another build that finished the same download first
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    wheels = sorted(cache.iterdir())
    strays = [p.name for p in wheels if p.suffix != ".whl"]
    if strays:
        raise SystemExit(f"{cache} holds files that are not wheels: {strays}")
    return wheels


def has_action(widget: Path) -> bool:
    """A widget belongs to the action of the same stem; without it the widget stays out."""
    return (ROOT / "ActionsDefinitions" / f"{widget.stem}.actiondef").is_file()


def product_files() -> list[tuple[str, Path]]:
    """(arcname, path) for every source file that goes into the ZIP."""
    stale = out_of_date()
    if stale:
        raise SystemExit(f"widgets out of date: {[p.name for p in stale]}; run `make widgets`")
    files = []
    for folder, pattern in SOURCES.items():
        for path in sorted((ROOT / folder).glob(pattern)):
            if folder == WIDGETS and not has_action(path):
                continue
            if is_sdk_module(path):
                raise SystemExit(f"{path.relative_to(ROOT)} is a platform SDK module; keep the "
                                 "local SDK stand-in out of the product folders")
            files.append((f"{folder}/{path.name}", path))
    return files


def write_zip(target: Path, members: list[tuple[str, Path]], folders: list[str]) -> None:
    stamp = datetime.datetime.now().timetuple()[:6]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            entry = zipfile.ZipInfo(f"{folder}/", stamp)
            entry.external_attr = (0o40755 << 16) | 0x10  # directory, rwxr-xr-x
            archive.writestr(entry, b"")
        for arcname, path in members:
            entry = zipfile.ZipInfo(arcname, stamp)
            entry.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            # Wheels are ZIPs already: deflating them again costs time and saves nothing.
            entry.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())


def build(dist: Path = DIST) -> Path:
    """Write the package ZIP (the only ZIP left in `dist`) and return its path. Tests build into
    folders of their own, so that builds running at the same time never remove each other's ZIP."""
    definition, identifier = integration_definition()
    wheels = fetch_wheels(requirements("runtime"))
    members = [(definition.name, definition), *product_files()]
    members += [(f"{DEPENDENCIES}/{wheel.name}", wheel) for wheel in wheels]

    dist.mkdir(parents=True, exist_ok=True)
    for old in dist.glob("*.zip"):
        old.unlink()
    target = dist / f"{identifier}{datetime.date.today():%Y%m%d}.zip"
    partial = target.with_suffix(".zip.partial")
    write_zip(partial, members, [*SOURCES, DEPENDENCIES])
    partial.rename(target)

    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"Wrote {shown}: {target.stat().st_size} bytes, {len(members)} files "
          f"({len(wheels)} wheels in {DEPENDENCIES}/)")
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build the SOAR import package.")
    parser.add_argument("--dist", type=Path, default=DIST, help="folder for the ZIP (default: dist/)")
    build(parser.parse_args().dist)
