"""Throughput of the MRI: the reference (scikit-image, one pair at a time) vs the batched torch version,
and the batched MRI of every other perceptual dissimilarity f (mri_metric) beside SSIM's.

    python benchmarks/mri.py [--pairs 64] [--batch 16] [--threads 2] [--repeat 3] [--chunk N] [--metrics ms_ssim,gms,uqi,sam]

Pairs are realistic face crops: boxes of random size (150-300 px) around the face of scikit-image's
astronaut photo, cut at the same box from the real photo and from a "fake" one (the face region
colour-shifted, blurred and blended back through a soft ellipse, the whole frame JPEG-compressed), so
each pair is aligned as in MRI-DF. Both timings include the INTER_AREA resize to 256x256 (the reference
resizes inside `mri_reference`; the batched one resizes each crop, stacks them and converts to torch
inside the timed loop). Prints pairs/s of each, the ratio, and the largest absolute difference of the
MRI; on a machine with CUDA it also times the torch version on the GPU. Then, for each f of
`mri_gan_nb.perceptual.MRI_METRICS`, the same batched loop with `dissimilarity_map(real, fake, f)`
(float64 and float32, CPU and CUDA when present), in pairs/s beside SSIM's.
"""
import argparse, time

import cv2
import numpy as np
import torch

from mri_gan_nb.mri import mri_reference, mri_torch, resize_face
from mri_gan_nb.perceptual import MRI_METRICS, dissimilarity_map


def make_pairs(n, seed=0):
    "n aligned (real crop, fake crop) uint8 RGB pairs of native size around the astronaut's face."
    from skimage import data
    rng = np.random.default_rng(seed)
    real = data.astronaut()
    m = np.zeros(real.shape[:2], np.float32)
    cv2.ellipse(m, (235, 110), (62, 85), 0, 0, 360, 1, -1)
    m = cv2.GaussianBlur(m, (0, 0), 6)[..., None]
    swapped = np.clip(cv2.GaussianBlur(real, (0, 0), 1.5) * np.array([1.05, 0.95, 0.9]) + 8, 0, 255)
    fake = (real * (1 - m) + swapped * m).astype(np.uint8)
    fake = cv2.imdecode(cv2.imencode('.jpg', fake, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], cv2.IMREAD_UNCHANGED)
    pairs = []
    for _ in range(n):
        s = int(rng.integers(150, 301))
        cy, cx = 110 + rng.integers(-15, 16), 235 + rng.integers(-15, 16)
        y0, x0 = int(np.clip(cy - s // 2, 0, 512 - s)), int(np.clip(cx - s // 2, 0, 512 - s))
        pairs.append((real[y0:y0 + s, x0:x0 + s].copy(), fake[y0:y0 + s, x0:x0 + s].copy()))
    return pairs


def time_it(fn, repeat):
    "Best wall time of `repeat` runs (the machine is shared)."
    best = float('inf')
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pairs', type=int, default=64)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads (the reference is single-threaded)')
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--chunk', type=int, default=None, help="pairs per ssim_map call (mri_torch's default: 2 on CPU, 64 on GPU)")
    ap.add_argument('--metrics', default=','.join(m for m in MRI_METRICS if m != 'ssim'),
                    help='comma-separated f of MRI_METRICS to time beside SSIM (empty: none)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pairs = make_pairs(args.pairs)

    ref = lambda: [mri_reference(p, q) for p, q in pairs]
    t_ref = time_it(ref, args.repeat)
    print(f"reference (skimage, float64, 1 thread):  {args.pairs / t_ref:8.1f} pairs/s")
    refs = np.stack(ref())

    def batched(device, dtype):
        out = []
        for i in range(0, args.pairs, args.batch):
            chunk = pairs[i:i + args.batch]
            r = torch.from_numpy(np.stack([resize_face(p) for p, _ in chunk])).permute(0, 3, 1, 2).to(device)
            f = torch.from_numpy(np.stack([resize_face(q) for _, q in chunk])).permute(0, 3, 1, 2).to(device)
            out.append(mri_torch(r, f, dtype=dtype, chunk=args.chunk).cpu())
        if device == 'cuda': torch.cuda.synchronize()
        return torch.cat(out)

    devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    for device in devices:
        for dtype in (torch.float64, torch.float32):
            batched(device, dtype)  # warm-up
            t = time_it(lambda: batched(device, dtype), args.repeat)
            err = np.abs(batched(device, dtype).permute(0, 2, 3, 1).numpy() - refs).max()
            name = f"torch {device} {str(dtype)[6:]} ({args.threads if device == 'cpu' else 'GPU'} thr, batch {args.batch})"
            print(f"{name:40s} {args.pairs / t:8.1f} pairs/s = {t_ref / t:5.1f}x reference, max |diff| {err:.1e}")

    metrics = [m for m in args.metrics.split(',') if m]
    if metrics: print("\nother f (dissimilarity_map, batched; pairs/s and the ratio to SSIM's torch MRI on the same device/dtype):")
    def batched_f(metric, device, dtype):
        out = []
        for i in range(0, args.pairs, args.batch):
            chunk = pairs[i:i + args.batch]
            r = torch.from_numpy(np.stack([resize_face(p) for p, _ in chunk])).permute(0, 3, 1, 2).to(device)
            f = torch.from_numpy(np.stack([resize_face(q) for _, q in chunk])).permute(0, 3, 1, 2).to(device)
            out.append(dissimilarity_map(r, f, metric, dtype=dtype).cpu())
        if device == 'cuda': torch.cuda.synchronize()
        return torch.cat(out)
    for device in devices:
        for dtype in (torch.float64, torch.float32):
            batched_f('ssim', device, dtype)
            t_ssim = time_it(lambda: batched_f('ssim', device, dtype), args.repeat)
            for metric in metrics:
                batched_f(metric, device, dtype)  # warm-up
                t = time_it(lambda: batched_f(metric, device, dtype), args.repeat)
                mean = float(batched_f(metric, device, dtype).mean())
                name = f"{metric} {device} {str(dtype)[6:]} ({args.threads if device == 'cpu' else 'GPU'} thr, batch {args.batch})"
                print(f"{name:40s} {args.pairs / t:8.1f} pairs/s = {t_ssim / t:5.2f}x SSIM ({args.pairs / t_ssim:.1f} pairs/s), mean MRI {mean:.4f}")


if __name__ == '__main__':
    main()
