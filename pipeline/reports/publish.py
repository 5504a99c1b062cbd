"""Write a folder of files atomically, into a folder that is the tool's alone, and never touch anything else.

A report folder carries a marker file listing what the tool wrote there. A folder that exists, holds
something and has no marker is someone else's: it is refused before anything is written, as is a
folder that holds or lies inside the inputs, or the folder the user is in. Files a user puts into a
report folder are carried across to the new one. Runs publishing beside each other take turns.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from pipeline import __version__
from pipeline.errors import MediaBiasError

try:
    import fcntl
except ImportError:  # not on Windows: runs there do not take turns
    fcntl = None

MARKER_FILE = ".mediabias-report.json"
# Files a report or evaluation folder written before the marker existed holds; what else is there
# was put there by someone and is carried across.
LEGACY_TOP_FILES = {
    "index.html",
    "report.md",
    "chart.svg",
    "run.json",
    "snapshot.json",
    "README.md",
    ".table-digests.json",
}
LEGACY_FOLDERS = {"tables": ".csv", "outlets": (".html", ".md"), "events": (".html", ".md")}
LEGACY_EVALUATION_FILES = {
    "index.html",
    *(f"{name}.csv" for name in ["span_scores", "misses", "false_alarms", "gold_spans", "sentence_scores"]),
}
# A folder holding only these counts as empty (a checkout's placeholder).
PLACEHOLDERS = {".gitkeep"}

Content = str | bytes | Iterable[str] | Path


class OutputFolderRefused(MediaBiasError):
    """The output folder is not the tool's to write: nothing was touched."""


class OutputWriteFailed(MediaBiasError):
    """Writing the output failed (disk full, no permission); the previous output is as it was."""


def check_output_folder(out_dir: Path, inputs: Mapping[str, Path | None] = ()) -> Path:
    """The absolute `out_dir`, if the tool may write it; else OutputFolderRefused saying why and what to do.

    `inputs` names the folders and files the run reads ({"corpus folder": path, ...}): the output
    may neither hold them nor lie inside them.
    """
    out_dir = Path(os.path.abspath(out_dir))
    real = Path(os.path.realpath(out_dir))
    advice = "choose another --out, e.g. a new folder 'reports'"
    blocker = _first_file_on_the_way(real)
    if blocker is not None:
        raise OutputFolderRefused(f"cannot write the reports to {out_dir}: {blocker} is a file, not a folder; {advice}")
    if real.exists() and not real.is_dir():
        raise OutputFolderRefused(f"{out_dir} is a file, not a folder; {advice}")
    here = Path(os.path.realpath(Path.cwd()))
    if _is_within(here, real):
        raise OutputFolderRefused(f"{out_dir} is the folder you are in (or holds it); {advice}")
    for name, path in dict(inputs).items():
        if path is None:
            continue
        place = Path(os.path.realpath(path))
        if _is_within(place, real):
            raise OutputFolderRefused(f"{out_dir} holds the {name} {path}; writing there would replace it; {advice}")
        if _is_within(real, place):
            raise OutputFolderRefused(f"{out_dir} is inside the {name} {path}; {advice}")
    if real.is_dir() and _files_written_before(real) is None:
        raise OutputFolderRefused(
            f"{out_dir} already holds files that mediabias did not write (it has no {MARKER_FILE}); "
            f"nothing was changed; {advice}, or empty that folder first"
        )
    return out_dir


def publish_folder(out_dir: Path, files: Callable[[], Iterable[tuple[str, Content]]]) -> Path:
    """Write `files()` as the folder `out_dir`, atomically: (relative path, text, iterable of text pieces
    or the Path of a file to copy) pairs.

    The files are written to a staging folder beside `out_dir` and swapped in with renames; if
    anything fails, the previous folder stays as it was. Files in the previous folder that the tool
    did not write are moved into the new one. Raises OutputFolderRefused for a folder that is not the
    tool's (see check_output_folder) and OutputWriteFailed when the disk refuses.
    """
    out_dir = check_output_folder(out_dir)
    real = Path(os.path.realpath(out_dir))
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputWriteFailed(f"cannot create {real.parent}: {error.strerror or error}") from error
    with _taking_turns(real.parent):
        _remove_leftovers(real)
        check_output_folder(out_dir)  # again: another run may have written it while this one waited
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{real.name}.staging-", dir=real.parent))
        except OSError as error:
            raise OutputWriteFailed(f"cannot write in {real.parent}: {error.strerror or error}") from error
        try:
            written = []
            for relative, content in files():
                _write(staging / relative, content)
                written.append(relative)
            _write(staging / MARKER_FILE, _marker(written))
            _swap_in(staging, real)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            where = f" ({error.filename})" if error.filename else ""
            raise OutputWriteFailed(
                f"cannot write the reports to {out_dir}: {error.strerror or error}{where}; "
                f"the previous reports are unchanged"
            ) from error
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return out_dir


def _first_file_on_the_way(path: Path) -> Path | None:
    """The first ancestor of `path` that exists and is not a folder, if any."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def _is_within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _marker(written: list[str]) -> str:
    return json.dumps({"written_by": "mediabias", "version": __version__, "files": sorted(written)}, indent=1) + "\n"


def _files_written_before(folder: Path) -> set[str] | None:
    """The relative paths the tool wrote in `folder` (empty for an empty folder), or None when the folder
    is not the tool's."""
    entries = {entry.name for entry in folder.iterdir()}
    if entries <= PLACEHOLDERS:
        return set()
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _legacy_report_files(folder)
    if not isinstance(marker, dict) or marker.get("written_by") != "mediabias":
        return None
    return {str(name) for name in marker.get("files", [])} | {MARKER_FILE}


def _legacy_report_files(folder: Path) -> set[str] | None:
    """The files of reports written before the marker existed (run.json names mediabias), else None."""
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run = None
    if not (isinstance(run, dict) and "mediabias_version" in run):
        names = {entry.name for entry in folder.iterdir()}
        if "index.html" not in names or not names <= LEGACY_EVALUATION_FILES:
            return None
        try:  # an evaluation page says who wrote it; another index.html is a person's
            page = (folder / "index.html").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return names if "Written by mediabias" in page else None
    found = {name for name in LEGACY_TOP_FILES if (folder / name).is_file()}
    for name, suffixes in LEGACY_FOLDERS.items():
        if (folder / name).is_dir():
            found |= {
                f"{name}/{p.name}" for p in (folder / name).iterdir() if p.is_file() and p.name.endswith(suffixes)
            }
    return found


@contextlib.contextmanager
def _taking_turns(folder: Path) -> Iterator[None]:
    """Hold a lock on `folder` (the output's parent) while publishing: a second run waits for the first."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _write(path: Path, content: Content) -> None:
    """Write a text, or the pieces of one in turn, or bytes, or a copy of an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, path)
        return
    if isinstance(content, bytes):
        path.write_bytes(content)
        return
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        if isinstance(content, str):
            handle.write(content)
        else:
            handle.writelines(content)


def _remove_leftovers(out_dir: Path) -> None:
    """Finish what a killed run left beside `out_dir`: if it died between the two renames, restore the old
    reports; old reports still beside the new ones give a person's files back before they go."""
    retired = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda path: path.stat().st_mtime)
    if retired and not out_dir.exists():
        os.replace(retired.pop(), out_dir)
    for old in retired:
        _retire(old, out_dir)
    for staging in sorted(out_dir.parent.glob(f".{out_dir.name}.staging-*")):
        shutil.rmtree(staging, ignore_errors=True)  # holds only what a run wrote: people's files move after the swap


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Make `staging` the folder `out_dir`, then carry across what a person put into the old one."""
    if not out_dir.exists():
        os.chmod(staging, 0o777 & ~_umask())
        os.replace(staging, out_dir)
        return
    os.chmod(staging, os.stat(out_dir).st_mode & 0o7777)
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    _retire(retired, out_dir)


def _retire(retired: Path, out_dir: Path) -> None:
    """Move the files of `retired` (old reports) that the tool did not write into `out_dir`, then remove it.

    Should a move fail, `retired` stays, and the next run finishes the job (_remove_leftovers).
    """
    ours = _files_written_before(retired) or set()
    our_folders = {Path(name).parent.as_posix() for name in ours}
    for folder, subfolders, names in os.walk(retired):  # symbolic links are moved, never followed
        relative = Path(folder).relative_to(retired)
        for name in sorted(names) + [s for s in sorted(subfolders) if Path(folder, s).is_symlink()]:
            if (relative / name).as_posix() not in ours:
                _carry_across(Path(folder, name), out_dir / relative / name)
        for name in subfolders:
            if (relative / name).as_posix() not in our_folders:
                (out_dir / relative / name).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(retired, ignore_errors=True)


def _carry_across(path: Path, target: Path) -> None:
    """Move a person's file into the new folder; if the new reports have a file of that name, beside it."""
    if target.exists() or target.is_symlink():
        target = target.with_name(f"{target.name}.kept")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output_file(path: Path, replace: bool = False) -> Path:
    """`path` if write_file may write it; else OutputFolderRefused saying why."""
    path = Path(path)
    if path.is_dir():
        raise OutputFolderRefused(f"{path} is a folder; give a file name, e.g. {path / 'suggestions.csv'}")
    if (path.exists() or path.is_symlink()) and not replace:
        raise OutputFolderRefused(
            f"{path} already exists; nothing was changed; choose another --out, or add --replace to write over it"
        )
    return path


def write_file(path: Path, text: str, replace: bool = False) -> Path:
    """Write one file atomically; a file already there is written over only with `replace` (it may be a
    person's, say a lexicon), else OutputFolderRefused."""
    path = check_output_file(path, replace)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise OutputWriteFailed(f"cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputWriteFailed(f"cannot write {path}: {error.strerror or error}") from error
    return path
