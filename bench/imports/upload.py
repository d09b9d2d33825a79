"""Reading an import through the page's sealed path against reading the same file in clear.

One command (from the repository root)::

    .venv/bin/python bench/imports/upload.py --rows 1000000

``pharos generate --cases N`` writes N HTCDS rows; then, each in its own process (so the peak
resident memory, ``ru_maxrss``, is its own):

1. **baseline**: ``reading.rows`` over the plaintext CSV on disk (what ``pharos import FILE``
   reads), every row counted;
2. **sealed**: what the import page does with the same bytes: they arrive in 64 KiB pieces
   (as Django hands an upload's body to its handlers) into
   ``pharos.privacy.uploads.SealedTemporaryUploadHandler``; the uploaded file is sealed again
   as an attachment blob (``pharos.privacy.stream``, the key and format of
   ``pharos.privacy.files``) written to a file, and the rows are read back through the
   decrypting reader (``reading.Source``), every row counted.

It prints both times, their ratio and both peak memories. The import itself (validation and
writing) is measured by ``bench/imports/run.py``; this isolates what sealing costs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PIECE = 64 * 1024


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharos.settings.test")
    import django

    django.setup()


def _count(rows: object) -> int:
    return sum(1 for _row in rows)  # type: ignore[attr-defined]


def step_baseline(path: Path) -> int:
    from pharos.imports import reading

    return _count(reading.rows(path))


PHASES: dict[str, float] = {}


def step_sealed(path: Path) -> int:
    from pharos.imports import reading
    from pharos.privacy import keys, stream, uploads

    started = time.perf_counter()
    handler = uploads.SealedTemporaryUploadHandler()
    size = path.stat().st_size
    handler.new_file("file", path.name, "text/csv", size)
    with path.open("rb") as body:
        for piece in iter(lambda: body.read(PIECE), b""):
            handler.receive_data_chunk(piece, 0)
    upload = handler.file_complete(size)
    PHASES["upload sealed"] = time.perf_counter() - started
    key = keys.active_key()
    with tempfile.TemporaryDirectory() as folder:
        blob = Path(folder) / "blob"
        with blob.open("wb") as out:
            plain = upload.reader()
            chunks = iter(lambda: plain.read(PIECE), b"")
            for sealed in stream.seal_chunks(chunks, secret=key.secret, key_id=key.key_id, context="bench"):
                out.write(sealed)
        upload.close()
        total = blob.stat().st_size
        PHASES["kept as a sealed blob"] = time.perf_counter() - started - sum(PHASES.values())

        def opener() -> object:
            handle = blob.open("rb")
            return stream.reader(
                stream.handle_fetch(handle),
                total,
                secret_for=lambda kid: keys.key_by_id(kid).secret,
                context="bench",
                on_close=handle.close,
            )

        rows = _count(reading.rows(reading.Source(path.name, size, opener)))  # type: ignore[arg-type]
        PHASES["rows read through the decrypting reader"] = (
            time.perf_counter() - started - sum(PHASES.values())
        )
        return rows


def child(step: str, path: Path) -> None:
    _django()
    started = time.perf_counter()
    rows = {"baseline": step_baseline, "sealed": step_sealed}[step](path)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak": peak, "phases": PHASES}))


def run_step(step: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "cases.csv"
        pharos = Path(sys.executable).parent / "pharos"
        subprocess.run(
            [
                str(pharos),
                "generate",
                "--cases",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--out",
                str(data),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "pharos.settings.test"},
        )
        size = data.stat().st_size
        baseline = run_step("baseline", data)
        sealed = run_step("sealed", data)
    assert baseline["rows"] == sealed["rows"], (baseline, sealed)
    print(f"{args.rows:,} generated cases, {size / 2**20:.0f} MiB CSV, {int(baseline['rows']):,} rows read")
    print("| path | time (s) | peak RSS (MiB) |")
    print("|---|---|---|")
    print(
        f"| baseline: plaintext file on disk | {baseline['seconds']:.1f} | {baseline['peak'] / 2**20:.0f} |"
    )
    print(
        f"| sealed upload, sealed blob, decrypting reader | {sealed['seconds']:.1f} | {sealed['peak'] / 2**20:.0f} |"
    )
    for phase, seconds in sealed["phases"].items():
        print(f"  sealed path, {phase}: {seconds:.1f} s")
    reading_only = sealed["phases"]["rows read through the decrypting reader"]
    print(f"ratio sealed / baseline: time {sealed['seconds'] / baseline['seconds']:.2f} in all")
    print(
        f"  {reading_only / baseline['seconds']:.2f} for reading the rows (what an import pays again on every run)"
    )


if __name__ == "__main__":
    main()
