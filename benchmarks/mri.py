"""Throughput and exactness of the MRI: scikit-image (the reference) against the fast OpenCV version, on one core and two.

    python benchmarks/mri.py [--pairs 96] [--repeat 3] [--workers 2]

Pairs are realistic aligned face crops: boxes of random size (150-300 px) around the face of
scikit-image's astronaut photo, cut at the same box from the real photo and from a "fake" one (the
face region colour-shifted, blurred and blended back through a soft ellipse, the whole frame
JPEG-compressed), as in MRI-DF. Every timing includes the INTER_AREA resize to 256x256 (both
`mri_reference` and `mri_fast` resize inside). "N processes" splits the pairs over a warm process pool
of N workers, each with one OpenCV thread (the unit of work of the data stages: one pair); each worker
makes the same seeded pairs once (as a stage's workers read their own crops: no image crosses processes
while timed); each MRI is dropped once made, as a stage writes it and moves on.

Prints pairs/s of scikit-image and of `mri_fast` on 1 and N processes and their ratios, and the largest
|mri_fast - mri_reference| over the aligned pairs plus adversarial ones (saturated, blocky,
letterboxed, white against black, images of 11-16 px). With CUDA, also the pairs/s of the batched
torch float32 path (`mri_batch`) on the GPU and its largest error. Then, for each other perceptual
dissimilarity f of `mri_gan_nb.perceptual.MRI_METRICS` (setting `mri_metric`), the batched
`dissimilarity_map(real, fake, f)` in float32 (CPU, and CUDA when present), in pairs/s beside SSIM's.
"""
import argparse, time
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
import torch

from mri_gan_nb.mri import MIN_MRI_SIZE, mri_batch, mri_fast, mri_reference, resize_face
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


def adversarial_pairs(seed=0):
    "(name, real, fake) pairs where float32 SSIM is fragile; compared at their own size (size=None below)."
    rng, out = np.random.default_rng(seed), []
    for n in (11, 12, 16):
        out.append((f'noise {n}px', rng.integers(0, 256, (n, n, 3), dtype=np.uint8), rng.integers(0, 256, (n, n, 3), dtype=np.uint8)))
        sat = np.full((n, n, 3), 255, np.uint8); sat2 = sat.copy(); sat2[n // 2:] = 254
        out.append((f'saturated {n}px', sat, sat2))
    x = np.full((256, 256, 3), 250, np.uint8); x[:40] = 0; x[-40:] = 0
    y = x.copy(); y[100:110, 100:110] = 255; y[120:130] = 3
    out.append(('letterboxed', x, y))
    blk = np.kron(rng.integers(0, 256, (32, 32, 3)), np.ones((8, 8, 1))).astype(np.uint8)
    out.append(('blocky', blk, np.clip(blk.astype(int) + rng.integers(-2, 3, blk.shape), 0, 255).astype(np.uint8)))
    out.append(('white vs black', np.full((64, 64, 3), 255, np.uint8), np.zeros((64, 64, 3), np.uint8)))
    flat = np.full((256, 256, 3), 57, np.uint8); bright = cv2.GaussianBlur(rng.integers(200, 256, (256, 256, 3), dtype=np.uint8), (0, 0), 3)
    out.append(('flat 57 vs bright', flat, bright))
    tex = cv2.GaussianBlur(rng.integers(0, 256, (96, 96, 3), dtype=np.uint8), (0, 0), 2)
    out.append(('darker by 120', tex, np.clip(tex.astype(int) - 120 + rng.integers(-6, 7, tex.shape), 0, 255).astype(np.uint8)))
    flat2 = tex.copy(); flat2[30:50, 30:50] = 60; patch = flat2.copy(); patch[30:50, 30:50] = 180
    out.append(('flat patch 60 vs 180', flat2, patch))
    return out


_PAIRS = []   # this process's pairs: the pool's workers make their own (seeded) once, as a stage's workers read their own crops


def _one_thread(n_pairs=0):
    cv2.setNumThreads(1); torch.set_num_threads(1)
    if n_pairs: _PAIRS[:] = make_pairs(n_pairs)


def _run(fn_name, index):
    "The MRIs of the pairs `index` of _PAIRS, each dropped once made (a stage writes it and moves on): only their count comes back."
    fn = {'skimage': mri_reference, 'fast': mri_fast}[fn_name]
    return sum(fn(*_PAIRS[i]).shape[0] > 0 for i in index)


def throughput(names, pairs, workers, repeat, pool=None):
    """Best pairs/s of each of `names` over `repeat` rounds on `pairs`, in this process (pool None) or split over
    `pool`; the names take turns within each round, so a busy spell on a shared machine hits them alike."""
    best = {name: float('inf') for name in names}
    for _ in range(repeat):
        for name in names:
            t0 = time.perf_counter()
            if pool is None: _run(name, range(len(pairs)))
            else:
                chunks = [range(i, len(pairs), workers) for i in range(workers)]
                list(pool.map(_run, [name] * workers, chunks))
            best[name] = min(best[name], time.perf_counter() - t0)
    return {name: len(pairs) / t for name, t in best.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pairs', type=int, default=96)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--workers', type=int, default=2, help='processes of the parallel runs (this machine has 2 cores)')
    ap.add_argument('--metrics', default=','.join(m for m in MRI_METRICS if m != 'ssim'),
                    help='comma-separated other f of MRI_METRICS to time beside SSIM (empty: none)')
    ap.add_argument('--batch', type=int, default=16, help='pairs per dissimilarity_map call')
    args = ap.parse_args()
    _one_thread(args.pairs)
    pairs = _PAIRS

    import os
    load0 = os.getloadavg()[0]
    rate = {(name, 1): r for name, r in throughput(('skimage', 'fast'), pairs, 1, args.repeat).items()}
    with ProcessPoolExecutor(args.workers, initializer=_one_thread, initargs=(args.pairs,)) as pool:
        list(pool.map(_run, ['fast'] * args.workers, [range(2)] * args.workers))   # warm the workers
        rate.update({(name, args.workers): r for name, r in throughput(('skimage', 'fast'), pairs, args.workers, args.repeat, pool).items()})
    base = rate['skimage', 1]
    print(f"{args.pairs} aligned face pairs, 256x256 after INTER_AREA resize (resize timed too); {os.cpu_count()} cores, "
          f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (scikit-image and mri_fast take turns, "
          f"best of {args.repeat} rounds each; ratios mean little when other work shares the cores)")
    for (name, w), r in rate.items():
        label = {'skimage': 'scikit-image (reference, float64)', 'fast': 'mri_fast (OpenCV float32 s/d)'}[name]
        print(f"  {label:36s} {w} process{'es' if w > 1 else '  '}: {r:8.1f} pairs/s = {r / base:5.1f}x scikit-image on 1")
    print(f"  same cores: mri_fast is {rate['fast', 1] / rate['skimage', 1]:.1f}x scikit-image, one process each; "
          f"{rate['fast', args.workers] / rate['skimage', args.workers]:.1f}x, {args.workers} processes each; "
          f"mri_fast on {args.workers} processes is {rate['fast', args.workers] / base:.1f}x scikit-image on 1")

    err_aligned = max(np.abs(mri_fast(p, q) - mri_reference(p, q)).max() for p, q in pairs)
    adv = [(n, float(np.abs(mri_fast(p, q, size=p.shape[0]) - mri_reference(p, q, size=p.shape[0])).max()))
           for n, p, q in adversarial_pairs() if min(p.shape[:2]) >= MIN_MRI_SIZE]   # smaller MRIs are refused (04_mri tests their SSIM maps)
    worst = max(adv, key=lambda t: t[1])
    print(f"max |mri_fast - mri_reference|: {err_aligned:.1e} on the aligned pairs, {worst[1]:.1e} on the adversarial "
          f"ones (worst: {worst[0]}); overall {max(err_aligned, worst[1]):.1e} (goal < 1e-4)")

    if torch.cuda.is_available():
        dev = torch.device('cuda')
        r = torch.from_numpy(np.stack([resize_face(p) for p, _ in pairs])).permute(0, 3, 1, 2).to(dev)
        f = torch.from_numpy(np.stack([resize_face(q) for _, q in pairs])).permute(0, 3, 1, 2).to(dev)
        mri_batch(r, f); torch.cuda.synchronize()
        best = float('inf')
        for _ in range(args.repeat):
            t0 = time.perf_counter(); out = mri_batch(r, f); torch.cuda.synchronize(); best = min(best, time.perf_counter() - t0)
        refs = np.stack([mri_reference(p, q) for p, q in pairs])
        err = np.abs(out.permute(0, 2, 3, 1).cpu().numpy() - refs).max()
        print(f"GPU ({torch.cuda.get_device_name(dev)}) mri_batch, torch float32, faces already on the GPU: "
              f"{len(pairs) / best:8.1f} pairs/s, max |diff| {err:.1e}")
    else:
        print("no CUDA GPU: the GPU path (mri_batch) was not timed")
    other_metrics(pairs, [m for m in args.metrics.split(',') if m], args.batch, args.repeat)


def other_metrics(pairs, metrics, batch, repeat):
    "pairs/s of `dissimilarity_map` for each f in `metrics` and for SSIM, batched, float32, on the CPU and CUDA when present."
    if not metrics: return
    torch.set_num_threads(2)
    print(f"\nother f (dissimilarity_map, batches of {batch}, float32, 2 torch threads), beside SSIM on the same path:")
    def batched(metric, device):
        for i in range(0, len(pairs), batch):
            chunk = pairs[i:i + batch]
            r = torch.from_numpy(np.stack([resize_face(p) for p, _ in chunk])).permute(0, 3, 1, 2).to(device)
            f = torch.from_numpy(np.stack([resize_face(q) for _, q in chunk])).permute(0, 3, 1, 2).to(device)
            dissimilarity_map(r, f, metric, dtype=torch.float32).cpu()
        if device == 'cuda': torch.cuda.synchronize()
    for device in ['cpu'] + (['cuda'] if torch.cuda.is_available() else []):
        rates = {}
        for metric in ['ssim', *metrics]:
            batched(metric, device)                                   # warm-up
            best = float('inf')
            for _ in range(repeat):
                t0 = time.perf_counter(); batched(metric, device); best = min(best, time.perf_counter() - t0)
            rates[metric] = len(pairs) / best
            print(f"  {metric:8s} {device:4s} {rates[metric]:8.1f} pairs/s = {rates[metric] / rates['ssim']:5.2f}x SSIM's torch path")


if __name__ == '__main__':
    main()
