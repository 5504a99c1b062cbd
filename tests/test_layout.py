"""The package is laid out in layers, and no module imports from a layer above its own."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
# Lowest first: a module may import from its own layer and the layers before it.
LAYERS = [
    "errors",
    "schema",
    "support",
    "reading",
    "text",
    "measuring",
    "framing",
    "tuning",
    "reports",
    "engine",
    "flow",
    "cli",
]
IMPORT = re.compile(r"^\s*from pipeline\.([a-z_]+)", re.M)


def layer_of(path: Path) -> str:
    part = path.relative_to(PACKAGE).with_suffix("").parts[0]
    return "cli" if part == "__main__" else part


def test_every_module_is_in_a_layer():
    modules = [p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE]
    assert all(layer_of(p) in LAYERS for p in modules), sorted({layer_of(p) for p in modules} - set(LAYERS))


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue
        own = LAYERS.index(layer_of(path))
        for imported in IMPORT.findall(path.read_text(encoding="utf-8")):
            if imported in LAYERS and LAYERS.index(imported) > own:
                upward.append(f"{path.relative_to(PACKAGE)} imports pipeline.{imported}")
    assert upward == []
