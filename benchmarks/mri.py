"""Throughput of the MRI: the reference (scikit-image, one pair at a time) vs the batched torch version.

    python benchmarks/mri.py [--pairs 64] [--batch 32] [--threads 2]

Prints pairs/s of each, their ratio, and the largest difference between them; on a machine with
CUDA it also times the torch version on the GPU.
"""
import argparse, time

import numpy as np
import torch

from mri_gan_nb.mri import mri_reference, mri_torch


def make_pairs(n, size=256, seed=0):
    "Face-like pairs: a smooth random image and a copy with a changed square."
    import cv2
    rng = np.random.default_rng(seed)
    a = np.stack([cv2.GaussianBlur(rng.integers(0, 256, (size, size, 3), dtype=np.uint8), (0, 0), 2) for _ in range(n)])
    b = a.copy()
    for i in range(n):
        y, x = rng.integers(0, size // 2, 2)
        b[i, y:y + size // 2, x:x + size // 2] = np.clip(b[i, y:y + size // 2, x:x + size // 2] * 0.8 + 30, 0, 255)
    return a, b


def time_it(fn, repeat=3):
    "Best wall time of `repeat` runs (the machine is shared)."
    best = float('inf')
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pairs', type=int, default=64)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads (the reference is single-threaded)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    a, b = make_pairs(args.pairs)
    ta, tb = (torch.from_numpy(v).permute(0, 3, 1, 2).contiguous() for v in (a, b))

    ref = lambda: [mri_reference(p, q) for p, q in zip(a, b)]
    t_ref = time_it(ref)
    print(f"reference (skimage, float64):      {args.pairs / t_ref:8.1f} pairs/s")
    refs = np.stack(ref())

    def batched(device, dtype):
        out = []
        for i in range(0, args.pairs, args.batch):
            out.append(mri_torch(ta[i:i + args.batch].to(device), tb[i:i + args.batch].to(device), dtype=dtype).cpu())
        return torch.cat(out)

    devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    for device in devices:
        for dtype in (torch.float64, torch.float32):
            batched(device, dtype)  # warm-up
            if device == 'cuda': torch.cuda.synchronize()
            t = time_it(lambda: batched(device, dtype))
            err = np.abs(batched(device, dtype).permute(0, 2, 3, 1).numpy() - refs).max()
            name = f"torch {device} {str(dtype).split('.')[-1]} (batch {args.batch})"
            print(f"{name:34s} {args.pairs / t:8.1f} pairs/s  = {t_ref / t:6.1f}× reference, max |diff| {err:.1e}")


if __name__ == '__main__':
    main()
