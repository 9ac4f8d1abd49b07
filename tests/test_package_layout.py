"""The built import ZIP has the layout of docs/package-format.md.

Builds the package once for the module with devtools/build_package.py. The first build downloads
the runtime wheels from PyPI; later builds reuse build/wheels-<hash>/.
"""
import email.parser
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from packaging import tags
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "devtools"))
import build_package  # noqa: E402
from requirements import requirements  # noqa: E402

DEF_FILE = "Integration-AWSIAM.def"
FOLDERS = ("ActionsDefinitions", "ActionsScripts", "Managers", "Widgets", "Connectors", "ConnectorsScripts",
           "DefaultMappingRules", "Dependencies")
# The repository files each product folder must carry into the ZIP, and nothing else.
PRODUCT_FILES = {"ActionsDefinitions": "*.actiondef", "ActionsScripts": "*.py", "Managers": "*.py", "Widgets": "*.json",
                 "Connectors": "*.connectordef", "ConnectorsScripts": "*.py",
                 "DefaultMappingRules": "integration_mapping_rules.json"}


def repository_files(folder: str) -> list[Path]:
    """What the folder ships: a widget only once the action of the same stem exists."""
    return [path for path in (ROOT / folder).glob(PRODUCT_FILES[folder])
            if folder != "Widgets" or (ROOT / "ActionsDefinitions" / f"{path.stem}.actiondef").is_file()]
# boto3 and what it needs today; pip may resolve more, never less.
EXPECTED_WHEELS = {"boto3", "botocore", "jmespath", "s3transfer", "python-dateutil", "six", "urllib3"}
# The platform: CPython 3.11 on manylinux x86_64.
TARGET_ENV = {
    "python_version": "3.11", "python_full_version": "3.11.0", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "sys_platform": "linux", "platform_system": "Linux",
    "platform_machine": "x86_64", "os_name": "posix",
}
# What `pip download --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform any`
# accepts for CPython 3.11: cp311 / abi3 binaries for glibc <= 2.17 on x86_64, and pure wheels.
MANYLINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(17, 4, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
TARGET_TAGS = (set(tags.cpython_tags((3, 11), abis=["cp311"], platforms=MANYLINUX))
               | set(tags.compatible_tags((3, 11), "cp311", platforms=MANYLINUX)))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "AWSIAM20000101.zip").write_bytes(b"an older build")
    run = subprocess.run([sys.executable, str(ROOT / "devtools" / "build_package.py"), "--dist", str(dist)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, f"build failed:\n{run.stdout}\n{run.stderr}"
    zips = sorted(dist.glob("*.zip"))
    assert len(zips) == 1, f"expected exactly one ZIP in dist/, found {[z.name for z in zips]}"
    return zips[0]


@pytest.fixture(scope="module")
def names(package) -> list[str]:
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        return archive.namelist()


@pytest.fixture(scope="module")
def wheels(package) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {PurePosixPath(n).name: archive.read(n) for n in archive.namelist()
                if n.startswith("Dependencies/") and not n.endswith("/")}


def test_zip_is_named_identifier_and_date(package):
    assert re.fullmatch(r"AWSIAM\d{8}\.zip", package.name)


def test_root_holds_exactly_the_def_and_the_product_folders(names):
    assert {n.split("/")[0] for n in names} == {DEF_FILE, *FOLDERS}
    assert DEF_FILE in names
    for folder in FOLDERS:
        assert f"{folder}/" in names, f"no explicit directory entry for {folder}/"


def test_every_entry_is_flat(names):
    deep = [n for n in names if n.rstrip("/").count("/") > 1]
    assert deep == []


def test_def_is_the_repository_def(package):
    with zipfile.ZipFile(package) as archive:
        assert archive.read(DEF_FILE) == (ROOT / DEF_FILE).read_bytes()


@pytest.mark.parametrize("folder", PRODUCT_FILES)
def test_product_folder_matches_repository(names, folder):
    in_zip = {n.split("/", 1)[1] for n in names if n.startswith(f"{folder}/") and n != f"{folder}/"}
    in_repo = {p.name for p in repository_files(folder)}
    assert in_zip == in_repo


@pytest.mark.parametrize("folder", PRODUCT_FILES)
def test_product_files_are_byte_identical(package, folder):
    with zipfile.ZipFile(package) as archive:
        for path in repository_files(folder):
            assert archive.read(f"{folder}/{path.name}") == path.read_bytes(), path.name


def test_widgets_ship_with_their_actions_and_without_their_sources(names):
    widgets = {n for n in names if n.startswith("Widgets/") and n != "Widgets/"}
    assert "Widgets/ListUsers.json" in widgets and "Widgets/DisableUserAccess.json" in widgets
    assert all(n.endswith(".json") for n in widgets), "Widgets/src/ stays in the repository"


def test_no_development_files(names):
    leaked = [n for n in names
              if n.startswith(("tests/", "devtools/", ".")) or "__pycache__" in n
              or n.endswith((".pyc", ".gitkeep"))]
    assert leaked == []


def test_no_sdk_stand_in_modules(names):
    stems = {PurePosixPath(n).stem for n in names if n.endswith(".py")}
    sdk = {s for s in stems if s.startswith("Siemplify") or s == "ScriptResult"}
    assert sdk == set(), "the platform provides its SDK; a shipped copy would shadow it"


def test_dependencies_hold_only_wheels(names):
    files = [n for n in names if n.startswith("Dependencies/") and n != "Dependencies/"]
    assert files and all(n.endswith(".whl") for n in files), files


def test_dependencies_are_the_resolved_set(wheels):
    resolved = build_package.wheel_cache(requirements("runtime"))
    assert set(wheels) == {p.name for p in resolved.glob("*.whl")}


def test_dependencies_include_boto3_and_its_stack(wheels):
    assert EXPECTED_WHEELS <= {str(parse_wheel_filename(w)[0]) for w in wheels}


def test_runtime_pins_are_shipped_as_declared(wheels):
    shipped = {parse_wheel_filename(w)[0]: parse_wheel_filename(w)[1] for w in wheels}
    for line in requirements("runtime"):
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in shipped, line
        assert req.specifier.contains(shipped[name], prereleases=True), (line, str(shipped[name]))


def test_every_wheel_runs_on_cpython311_manylinux_x86_64(wheels):
    foreign = [w for w in wheels if not set(parse_wheel_filename(w)[3]) & TARGET_TAGS]
    assert foreign == []


def _requires(wheel: bytes, extras: set[str]) -> list[Requirement]:
    """The wheel's dependencies that apply on the target with the given extras requested."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        metadata = next(n for n in archive.namelist()
                        if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        headers = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    reqs = [Requirement(line) for line in headers.get_all("Requires-Dist") or []]
    return [r for r in reqs if r.marker is None
            or any(r.marker.evaluate({**TARGET_ENV, "extra": e}) for e in {"", *extras})]


def test_dependencies_are_closed_and_minimal(wheels):
    """Every dependency a shipped wheel needs is shipped in a matching version, and nothing else is."""
    shipped = {parse_wheel_filename(w)[0]: (parse_wheel_filename(w)[1], blob) for w, blob in wheels.items()}
    seen, todo, unmet = set(), [Requirement(r) for r in requirements("runtime")], []
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name not in shipped or not req.specifier.contains(shipped[name][0], prereleases=True):
            unmet.append(str(req))
            continue
        if (name, frozenset(req.extras)) not in seen:
            seen.add((name, frozenset(req.extras)))
            todo.extend(_requires(shipped[name][1], req.extras))
    assert unmet == []
    needed = {name for name, _ in seen}
    assert set(shipped) == needed, f"shipped but not needed: {set(shipped) - needed}"
