"""Which slice may import which (DESIGN §2): stock knows nothing of the others, referrals use
stock, distribution uses both, nothing imports statistics; the composition modules at the app's
root import the slices, never the other way round; eligibility knows nothing of logistics.

Every import statement counts, also one inside a function."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The app-root modules that put the slices together.
COMPOSITION = ["logistics.urls", "logistics.api_urls", "logistics.admin", "logistics.demo",
               "logistics.apps", "logistics.management", "logistics.home",
               "logistics.load_data"]

FORBIDDEN = {
    "logistics.stock": ["logistics.referrals", "logistics.distribution", "logistics.statistics",
                        *COMPOSITION],
    "logistics.referrals": ["logistics.distribution", "logistics.statistics", *COMPOSITION],
    "logistics.distribution": ["logistics.statistics", *COMPOSITION],
    "eligibility": ["logistics"],
}


def modules_of(package: str) -> list[tuple[str, Path]]:
    folder = ROOT / package.replace(".", "/")
    found = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


MODULES = [(package, name, path) for package in FORBIDDEN for name, path in modules_of(package)]
SLICE_MODULES = [(name, path) for package, name, path in MODULES if package != "eligibility"]


def imported_names(name: str, path: Path) -> list[tuple[int, str]]:
    """Every module ``name`` imports, with its line: ``from a import b`` counts as ``a`` and as
    ``a.b`` (b may be a module); relative imports are made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if alias.name != "*"]
    return found


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_every_slice_and_eligibility_is_found():
    packages = {package for package, _, _ in MODULES}
    assert packages == set(FORBIDDEN)
    names = {name for _, name, _ in MODULES}
    for service in ("logistics.stock.services", "logistics.referrals.services",
                    "logistics.distribution.services", "eligibility.rules"):
        assert service in names


def test_the_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    path = tmp_path / "selectors.py"
    path.write_text("def f():\n    from logistics.distribution import services\n"
                    "from ..referrals import workflow\n")
    assert sorted(imported_names("logistics.stock.selectors", path)) == [
        (2, "logistics.distribution"), (2, "logistics.distribution.services"),
        (3, "logistics.referrals"), (3, "logistics.referrals.workflow"),
    ]


@pytest.mark.parametrize(("package", "name", "path"), MODULES,
                         ids=[name for _, name, _ in MODULES])
def test_a_module_imports_only_what_its_slice_may(package, name, path):
    offending = [
        f"{name} (line {line}) imports {imported}: {package} may not import {forbidden}"
        for line, imported in imported_names(name, path)
        for forbidden in FORBIDDEN[package] if within(imported, forbidden)
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize(("name", "path"), SLICE_MODULES, ids=[name for name, _ in SLICE_MODULES])
def test_a_slice_module_can_be_imported(name, path):
    importlib.import_module(name)
