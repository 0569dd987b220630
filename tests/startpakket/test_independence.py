"""The project package imports no app (STYLE: "Each app registers itself"): the apps register
their audit options, install-defaults step, demo data and admin inlines with it instead.
Naming an app in a string (the root URLconfs' ``include("logistics.urls")``, INSTALLED_APPS)
is how Django is told about the apps and stays allowed."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "startpakket"
APPS = {"eligibility", "logistics"}


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it (inside functions and ``if`` blocks too),
    with its line; relative imports resolved against the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            if node.module:
                found.append((node.lineno, module))
            # ``from . import x`` and ``from eligibility import rules`` name modules too.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", None)) in {
                  "import_module", "__import__"}
              and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def app_imports(path: Path, root: Path = ROOT) -> list[str]:
    return [f"{path.relative_to(root)}:{line}: {module}"
            for line, module in imported_modules(path, root)
            if module.partition(".")[0] in APPS]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_of_the_package_is_read():
    names = {path.relative_to(PACKAGE).as_posix() for path in MODULES}
    assert {"audit.py", "registry.py", "admin.py", "demo.py",
            "management/commands/install_defaults.py",
            "management/commands/load_demo.py"} <= names
    assert any(name.startswith("migrations/") for name in names)


def test_the_project_package_imports_no_app():
    offending = [found for path in MODULES for found in app_imports(path)]
    assert offending == []


@pytest.mark.parametrize("source", [
    "import logistics",
    "import logistics.models as m",
    "from eligibility.models import Policy",
    "from eligibility import rules",
    "def f():\n    from logistics.demo import load_demo\n",
    "if True:\n    import eligibility.imports\n",
    "import importlib\nimportlib.import_module('logistics.models')\n",
])
def test_the_check_finds_an_app_import_wherever_it_is(tmp_path, source):
    planted = tmp_path / "startpakket" / "management" / "commands" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(source)
    assert app_imports(planted, tmp_path) != []


@pytest.mark.parametrize("source", [
    "from startpakket import audit",
    "from . import registry",
    "import logisticsx",
    "urls = include('logistics.urls')",
])
def test_the_check_leaves_the_rest_alone(tmp_path, source):
    planted = tmp_path / "startpakket" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(source)
    assert app_imports(planted, tmp_path) == []
