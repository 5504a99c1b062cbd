"""What a stored result depends on besides its arguments' identity: the code that computes it
(code_version) and what its inputs hold (content_key).

A cached result is keyed by both, so that no version number is kept by hand: editing a function, any
function of this package it calls, a constant it reads, or upgrading a library it uses, gives its
results (and those computed from them) new keys.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.metadata
import inspect
import json
import platform
import re
import sys
import types
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

PACKAGE = "pipeline"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@functools.cache
def code_version(function: Callable) -> str:
    """A digest of the function's code and of everything of this package it reaches by name (functions,
    classes, constants, whole modules it refers to), with the versions of the libraries it uses."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"python {platform.python_version()}\0".encode())
    for part in sorted(_code_parts(function)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def forget_code_versions() -> None:
    """Compute code versions anew: for a session that edits code and reloads it (and for tests)."""
    code_version.cache_clear()
    _code_parts.cache_clear()
    _CONSTANTS.known.clear()


@functools.cache
def _code_parts(function: Callable) -> frozenset[str]:
    parts: set[str] = set()
    _collect(function, parts, set(), getattr(function, "__module__", PACKAGE))
    return frozenset(parts)


def _ours(module_name: str | None, home: str) -> bool:
    """Whether a module's code is part of the code version: this package's, and that of the stage's own
    module (a flow written outside the package); other libraries count by their version."""
    return bool(module_name) and (module_name in (home, PACKAGE) or module_name.startswith(PACKAGE + "."))


def _collect(value: Any, parts: set[str], seen: set, home: str) -> None:
    """Add the code-relevant parts of `value` (a function, class, module or constant reached from a stage)."""
    value = inspect.unwrap(value) if hasattr(value, "__wrapped__") else value  # functools.cache, wraps
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, functools.partial):
        _collect(value.func, parts, seen, home)
        parts.add(f"partial {canonical(list(value.args))} {canonical(value.keywords)}")
        return
    if isinstance(value, types.ModuleType):
        if _ours(value.__name__, home):
            for _, member in sorted(vars(value).items()):
                if inspect.isfunction(member) or inspect.isclass(member):
                    _collect(member, parts, seen, home)
        else:
            parts.add(_library_version(value.__name__))
        return
    if inspect.isfunction(value) or inspect.ismethod(value):
        function = inspect.unwrap(getattr(value, "__func__", value))
        if not _ours(function.__module__, home):
            parts.add(_library_version(function.__module__))
            return
        parts.add(f"function {function.__module__}.{function.__qualname__}\n{_code_text(function.__code__)}")
        parts.add(f"defaults {canonical(function.__defaults__)} {canonical(function.__kwdefaults__)}")
        for cell in function.__closure__ or ():
            _collect(cell.cell_contents, parts, seen, home)
        _collect_named(function.__module__, function.__globals__, _names(function.__code__), parts, seen, home)
        return
    if inspect.isclass(value):
        if not _ours(value.__module__, home):
            parts.add(_library_version(value.__module__))
            return
        parts.add(f"class {value.__module__}.{value.__qualname__}\n{_class_text(value)}")
        for member in vars(value).values():
            if inspect.isfunction(member):
                _collect(member, parts, seen, home)
        return
    module = getattr(type(value), "__module__", None)
    if module and not _ours(module, home) and module != "builtins":
        parts.add(_library_version(module))


def _collect_named(
    owner: str, namespace: dict[str, Any], names: set[str], parts: set[str], seen: set, home: str
) -> None:
    """What a function's names refer to in `namespace` (its module's globals, or a module it names): a
    module of ours contributes only the members the function names (module.member), not all of it."""
    for name in sorted(names & namespace.keys()):
        referred = namespace[name]
        if isinstance(referred, types.ModuleType) and _ours(referred.__name__, home):
            if (id(referred), frozenset(names)) not in seen:  # two modules can name each other
                seen.add((id(referred), frozenset(names)))
                _collect_named(referred.__name__, vars(referred), names, parts, seen, home)
        elif _CONSTANTS.is_constant(referred):
            parts.add(f"constant {owner}.{name} = {_CONSTANTS.text(referred)}")
        elif isinstance(referred, tuple | list | frozenset | set | dict):  # a table of functions, say
            items = [*referred.keys(), *referred.values()] if isinstance(referred, dict) else list(referred)
            parts.add(f"constant {owner}.{name} = {_CONSTANTS.text(referred)}")
            for item in items:
                if not _is_constant(item):
                    _collect(item, parts, seen, home)
        else:
            _collect(referred, parts, seen, home)


def _code_text(code: types.CodeType) -> str:
    """A code object as text: its byte code, constants (nested functions' code included) and names.
    Editing what the function does changes it; editing a comment does not."""
    constants = [_code_text(c) if isinstance(c, types.CodeType) else canonical(c) for c in code.co_consts]
    return f"{code.co_code.hex()} {constants} {code.co_names} {code.co_varnames}"


def _field_default(field: dataclasses.Field) -> str:
    if field.default is not dataclasses.MISSING:
        return canonical(field.default)
    factory = field.default_factory
    return "" if factory is dataclasses.MISSING else getattr(factory, "__qualname__", type(factory).__qualname__)


def _class_text(cls: type) -> str:
    """A class as text: its bases and its attributes other than functions (collected on their own)."""
    attributes = {name: value for name, value in vars(cls).items() if not callable(value) and not name.startswith("__")}
    fields = getattr(cls, "__dataclass_fields__", {})
    return canonical(
        {
            "bases": [f"{b.__module__}.{b.__qualname__}" for b in cls.__bases__],
            "attributes": attributes,
            "fields": {name: [str(f.type), _field_default(f)] for name, f in fields.items()},
        }
    )


def _names(code: types.CodeType) -> set[str]:
    """The global and attribute names a code object and the functions nested in it use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


class _ConstantTexts:
    """Whether each module-level value is a constant, and its canonical text once asked for: every stage
    reaches the same large word sets and tables, each read once per process. Kept by identity, with the
    value so that its id is not reused; an object, not a dict, so that it is never part of a code version."""

    def __init__(self):
        self.known: dict[int, list] = {}

    def of(self, value: Any) -> list:
        known = self.known.get(id(value))
        if known is None or known[0] is not value:
            known = [value, _is_constant(value), None]
            self.known[id(value)] = known
        return known

    def is_constant(self, value: Any) -> bool:
        return self.of(value)[1]

    def text(self, value: Any) -> str:
        known = self.of(value)
        if known[2] is None:
            known[2] = canonical(value)
        return known[2]


_CONSTANTS = _ConstantTexts()


def _is_constant(value: Any) -> bool:
    """Whether a module-level value is a constant of the code: a plain value, or a container of them. (A
    module keeps no state that changes as it runs in such a container, but in functools.cache: a test
    checks that the code versions are the same after a run.)"""
    if isinstance(value, str | bytes | int | float | bool | complex | type(None) | re.Pattern | enum.Enum):
        return True
    if isinstance(value, tuple | frozenset | list | set):
        return all(_is_constant(item) for item in value)
    if isinstance(value, dict):
        return all(_is_constant(k) and _is_constant(v) for k, v in value.items())
    return False


@functools.cache
def _library_version(module_name: str) -> str:
    top = module_name.split(".")[0]
    if top in sys.stdlib_module_names or top == "builtins":
        return f"stdlib {platform.python_version()}"
    version = getattr(sys.modules.get(top), "__version__", None)
    if isinstance(version, str):
        return f"library {top} {version}"
    names = _distributions().get(top, [top])
    versions = []
    for name in sorted(set(names)):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return "library " + ", ".join(versions)


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Which installed distributions hold each top-level module (asked only of a library without __version__)."""
    return importlib.metadata.packages_distributions()


def content_key(value: Any) -> str:
    """A digest of what a value holds: tables by their columns' content, other values by a canonical form
    (sets sorted, dataclasses by their fields), never by identity or memory address."""
    from pipeline.support.memo import feed

    digest = hashlib.blake2b(digest_size=20)
    if isinstance(value, pd.DataFrame):
        digest.update(f"table {list(map(str, value.columns))} {list(map(str, value.dtypes))}\0".encode())
        for column in value.columns:
            feed(digest, value[column])
    elif isinstance(value, pd.Series | np.ndarray):
        feed(digest, value)
    else:
        digest.update(canonical(value).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def canonical(value: Any) -> str:
    """A text that is the same for equal values in every process (unlike repr of a set of strings)."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, default=repr)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "@": type(value).__qualname__,
            **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, dict):
        return {"@dict": sorted(([_plain(k), _plain(v)] for k, v in value.items()), key=json.dumps)}
    if isinstance(value, frozenset | set):
        return {"@set": sorted((_plain(item) for item in value), key=json.dumps)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, re.Pattern):
        return {"@re": value.pattern, "flags": value.flags}
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, float | int | str | bool | type(None)):
        return value
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, pd.DataFrame | pd.Series | np.ndarray):
        raise TypeError("a table inside another value has no canonical text: give it to content_key on its own")
    return _ADDRESS.sub("", repr(value))  # an object's address differs from process to process
