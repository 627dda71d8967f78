"""Photo cleaning throughput: 4 MB phone JPEGs (4000 × 3000, 12 megapixels, with EXIF and a GPS
position) through ``adapters.images.clean_photo`` — checked, decoded at a reduced scale, turned
upright, re-encoded without metadata, with a 320-pixel thumbnail — as the portal runs it: in worker
threads (Pillow releases the interpreter lock while it decodes and encodes). Target (issue 24):
at least 20 photos a second on the integration machine.

Run: .venv/bin/python bench/bench_photos.py [--photos 200] [--threads N] [--distinct 8]

The photos are made once up front from seeded noise over gradients, each a different image of
about 4 MB (the figure printed); the timed part is cleaning only. The script prints photos per
second for 1 thread and for ``--threads`` (the machine's cores by default), the median and p95
time of one photo, and the CPU other processes took meanwhile (a busy machine gives low figures).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

from liandong.adapters.images import clean_photo

TARGET_BYTES = 4 * 1024 * 1024


def phone_photo(seed: int, width: int = 4000, height: int = 3000) -> bytes:
    """A JPEG of about 4 MB: a gradient with noise (what a sensor gives), EXIF with a GPS position."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(ramp + rng.normal(0, 17, (height, width, 3)).astype(np.float32), 0, 255)
    image = Image.fromarray(pixels.astype(np.uint8))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 29.0, 24.0), 3: "E", 4: (120.0, 18.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def others_cpu() -> float:
    """CPU seconds of the whole machine so far (from /proc/stat), to subtract our own from."""
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def run(photos: list[bytes], count: int, threads: int) -> tuple[float, list[float]]:
    times: list[float] = []

    def one(n: int) -> None:
        start = time.perf_counter()
        kept = clean_photo(photos[n % len(photos)])
        times.append(time.perf_counter() - start)
        assert kept.thumbnail and b"Phone X" not in kept.image

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--distinct", type=int, default=8)
    args = parser.parse_args()
    photos = [phone_photo(seed) for seed in range(args.distinct)]
    sizes = [len(p) for p in photos]
    print(f"{len(photos)} photos of {min(sizes) / 1e6:.2f}–{max(sizes) / 1e6:.2f} MB "
          f"(target about {TARGET_BYTES / 1e6:.1f} MB), 4000 × 3000")
    clean_photo(photos[0])  # warm-up
    for threads in dict.fromkeys((1, args.threads)):
        cpu0, own0 = others_cpu(), time.process_time()
        elapsed, times = run(photos, args.photos, threads)
        other = (others_cpu() - cpu0) - (time.process_time() - own0)
        ordered = sorted(times)
        print(f"threads={threads}: {args.photos / elapsed:.1f} photos/s, one photo median "
              f"{statistics.median(times) * 1000:.0f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms; "
              f"other processes' CPU meanwhile {max(0.0, other):.1f} s in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
