"""The layer contract (`[tool.importlinter]` in pyproject.toml): engines never import a feature.

`lint-imports` runs on a copy of the root packages, so the check can be shown to catch an engine
importing a feature without touching the working tree.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy_of_the_tree(destination: Path) -> Path:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package in config["tool"]["importlinter"]["root_packages"]:
        shutil.copytree(
            ROOT / package,
            destination / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy2(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed argv, the linter installed next to our interpreter)
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_engine_importing_a_feature_breaks_the_layer_contract(tmp_path):
    tree = _copy_of_the_tree(tmp_path)

    kept = _lint_imports(tree)
    assert kept.returncode == 0, f"the tree breaks the layer contract:\n{kept.stdout}{kept.stderr}"
    assert "1 kept, 0 broken" in kept.stdout

    hooks = tree / "workflows" / "hooks.py"
    hooks.write_text(hooks.read_text(encoding="utf-8") + "\nimport aftersales  # noqa\n")

    broken = _lint_imports(tree)
    assert broken.returncode != 0, broken.stdout + broken.stderr
    assert "workflows is not allowed to import aftersales" in broken.stdout
    assert "workflows.hooks -> aftersales" in broken.stdout
