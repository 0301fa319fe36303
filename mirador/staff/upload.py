"""An uploaded workbook or zip of CSVs, written into a private folder the ETL can read.

A zip comes from outside: its entries are unpacked only after every one has been
checked. Refused: a name that climbs out of the folder (`../x.csv`, `/etc/x`, `C:\\x`),
a symbolic link, more than MAX_ZIP_FILES entries, and a total unpacked size above
MAX_UNPACKED_MB (a zip bomb packs gigabytes into a few kilobytes, so the sizes the zip
declares are checked first and the bytes actually written are counted as well).
"""
from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_UPLOAD_MB = 25          # the file as uploaded (workbook or zip)
MAX_UNPACKED_MB = 200       # all the CSVs of a zip together, unpacked
MAX_ZIP_FILES = 50          # six tables, a README, a few leftovers: far below this
CHUNK_BYTES = 1 << 20
WORKBOOK_SUFFIXES = (".xlsx",)
ZIP_SUFFIXES = (".zip",)


@dataclass
class UploadRefused(ValueError):
    """The upload cannot be read at all; `reason` is a ui_strings key, `detail` its argument."""
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def save_upload(file_name: str, data: bytes, folder: Path) -> Path:
    """Put the upload in `folder` (empty) and return the source the ETL should read."""
    folder.mkdir(parents=True, exist_ok=True)
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise UploadRefused("staff_upload_too_large", f"{MAX_UPLOAD_MB} MB")
    suffix = Path(file_name).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        workbook = folder / ("upload" + suffix)  # never the uploaded name: it is not ours to trust
        workbook.write_bytes(data)
        return workbook
    if suffix in ZIP_SUFFIXES:
        archive = folder / "upload.zip"
        archive.write_bytes(data)
        target = folder / "files"
        unpack_zip(archive, target)
        return _csv_folder(target)
    raise UploadRefused("staff_upload_wrong_type", Path(file_name).suffix or file_name)


def unpack_zip(archive: Path, target: Path, *, max_files: int = MAX_ZIP_FILES,
               max_unpacked_bytes: int = MAX_UNPACKED_MB * 1024 * 1024) -> list[Path]:
    """Unpack `archive` into `target` after checking every entry; nothing is written if any fails."""
    try:
        with zipfile.ZipFile(archive) as zf:
            entries = [info for info in zf.infolist() if not info.is_dir()]
            if len(entries) > max_files:
                raise UploadRefused("staff_zip_too_many_files", str(max_files))
            if sum(info.file_size for info in entries) > max_unpacked_bytes:
                raise UploadRefused("staff_zip_too_large", f"{max_unpacked_bytes // (1024 * 1024)} MB")
            destinations = [(info, _safe_destination(info, target)) for info in entries]
            target.mkdir(parents=True, exist_ok=True)
            written = 0
            for info, destination in destinations:
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, open(destination, "xb") as out:
                    # The declared size can lie: count what really comes out.
                    while chunk := source.read(CHUNK_BYTES):
                        written += len(chunk)
                        if written > max_unpacked_bytes:
                            raise UploadRefused("staff_zip_too_large", f"{max_unpacked_bytes // (1024 * 1024)} MB")
                        out.write(chunk)
            return [d for _, d in destinations]
    except zipfile.BadZipFile as exc:
        raise UploadRefused("staff_zip_unreadable", str(exc)[:80]) from None
    except FileExistsError as exc:  # two entries with one name (e.g. 'a.csv' and './a.csv')
        raise UploadRefused("staff_zip_unsafe_entry", Path(exc.filename or "").name) from None


def _safe_destination(info: zipfile.ZipInfo, target: Path) -> Path:
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRefused("staff_zip_unsafe_entry", info.filename[:80])
    parts = PurePosixPath(name).parts
    if (not parts or name.startswith("/") or any(p in ("..", "") for p in parts)
            or ":" in parts[0] or "\x00" in name):
        raise UploadRefused("staff_zip_unsafe_entry", info.filename[:80])
    destination = target.joinpath(*parts).resolve()
    if not destination.is_relative_to(target.resolve()):
        raise UploadRefused("staff_zip_unsafe_entry", info.filename[:80])
    return destination


def _csv_folder(unpacked: Path) -> Path:
    """The folder that holds the CSVs: the zip's root, or its one top folder (zipping a folder
    in a file manager puts everything under its name)."""
    if any(unpacked.glob("*.csv")):
        return unpacked
    folders = [p for p in unpacked.iterdir() if p.is_dir() and not p.name.startswith(("__MACOSX", "."))]
    if len(folders) == 1 and any(folders[0].glob("*.csv")):
        return folders[0]
    raise UploadRefused("staff_zip_no_csv")
