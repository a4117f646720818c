"""Does each data stage's memory stay bounded as the dataset grows, and what does it cost per video?

Generates two synthetic mini-DFDCs in the DFDC layout (about 100 and 1,000 small videos, `--sizes`), runs
each stage of the study on both in a fresh process, and prints side by side, per stage:
- peak resident memory (RSS) of the process at each size and their ratio (goal: <= 1.2; a stage whose memory
  grows with the dataset shows ~10x), and the peak above the process's own baseline after its imports;
- disk written per video, and throughput (videos, pairs or images per second);
- per data stage on the Dask engine (faces, MRI-DF, MRI caching for the MRI-based detector), on the smaller
  dataset: throughput with 1 and 2 local Dask workers, their ratio (goal >= 1.8 for the decode-bound stages on
  an otherwise idle 2-core machine), the CPU time per item of the workers and of the driver (scheduler and
  client), and, reported apart, the one-time start-up (cluster start, imports, loading MTCNN and its first
  call), which is not in the timed work; both runs do the same work into fresh folders: the stage function
  (extract_faces, build_mri_df, cache_mris) on its inputs, read before the clock starts. On a shared machine
  the wall-clock ratio is capped by the load (printed with the table); the CPU time per item shows whether
  the work itself grew with the second worker. `--repeats R` runs 1, 2, 1, 2, ... workers and keeps each
  one's fastest run (the one least disturbed by other jobs);
- the projected time of each data stage on full DFDC from per-item costs measured here at DFDC's own
  resolution (1920x1080 videos, the paper profile's detect_downscale and MRI-GAN width): on this machine, and,
  labelled as an estimate, on one GPU node (the assumptions are printed with the table).

    python benchmarks/scale.py                   # 100 and 1,000 videos (about 15 minutes on 2 cores)
    python benchmarks/scale.py --sizes 30 100    # a quicker look
    python benchmarks/scale.py --projection-only # only the full-DFDC projection (about a minute)
    python benchmarks/scale.py --engine-only --sizes 100 100 --engine-stages faces --repeats 3
                                                 # only the 1-vs-2-worker scaling of the faces stage

The stages are the study's own functions (faces with the augmentation plan applied as frames are read,
MRI-DF, and the training datasets of MRI-GAN and the detector), run with the `smoke` profile's settings
except the number of videos. Everything is written under a temporary folder (or --keep DIR).
"""
from __future__ import annotations
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

STAGES = ('synthetic', 'faces', 'mri_df', 'gan_data', 'detector_data')
ENGINE_STAGES = ('faces', 'mri_df', 'mri_cache')                  # the data stages that run on the Dask engine
# full DFDC (the paper profile): videos through the faces stage, MRI-DF pairs, crops per detector
DFDC = dict(train_videos=119_154, valid_videos=4_000, test_videos=5_000, frames=300, frame_every=10,
            augment_fraction=0.3, mri_pairs=2_300_000 + 570_000, detector_crops=4_000_000)


def _rss_mb() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob('*') if f.is_file()) if Path(path).exists() else 0


def overrides(n_videos: int) -> dict:
    "Settings (as MRI_GAN_NB_<KEY> variables) of a synthetic mini-DFDC of about `n_videos` small videos."
    per_part = max(1, round((n_videos - 10) / 2 / 3))         # 2 parts x (original + 2 fakes), ~10 other videos
    return {'SYNTH_SIZE': '256,192', 'SYNTH_FRAMES': '21', 'SYNTH_TRAIN_PARTS': '2',
            'SYNTH_ORIGINALS_PER_PART': str(per_part), 'SYNTH_FAKES_PER_ORIGINAL': '2',
            'SYNTH_VALID_ORIGINALS': '1', 'SYNTH_TEST_ORIGINALS': '1', 'SYNTH_CELEB_IDENTITIES': '2',
            'SYNTH_CELEB_VIDEOS_PER_IDENTITY': '1', 'SYNTH_FFHQ_IMAGES': '4', 'SYNTH_TWO_FACE_VIDEOS': '1',
            'SYNTH_NO_FACE_VIDEOS': '1'}


def run_stage(stage: str) -> dict:
    "Run one stage in this process on the run dir of the environment's settings; return its measurements."
    import pandas as pd
    from mri_gan_nb.config import load_settings, seed_everything
    cfg = load_settings('smoke'); run = cfg.run_dir; seed_everything(cfg.seed)
    import torch; torch.set_num_threads(1)
    from mri_gan_nb.data import read_study_videos, read_extra_sources
    base = _rss_mb(); t0 = time.perf_counter()
    if stage == 'synthetic':
        from mri_gan_nb.synthetic import make_mini_dfdc
        s = make_mini_dfdc(run / 'synthetic', cfg=cfg); items, unit, out = s['n_videos'], 'videos', [run / 'synthetic']
    elif stage == 'faces':
        from mri_gan_nb.augment import draw_plan, augmented_table
        from mri_gan_nb.faces import extract_faces
        videos = read_study_videos(cfg, root=run / 'synthetic'); extras = read_extra_sources(cfg, root=run / 'synthetic')
        clean = pd.concat([videos, extras[extras.source == 'celeb_df']], ignore_index=True)
        extract_faces(clean, run / 'faces', cfg, progress=False)
        plan = draw_plan(videos[videos.source == 'dfdc'], cfg.augment_fraction, cfg.seed)
        aug = augmented_table(videos, plan); aug = aug[aug.augmented != ''].assign(original='')
        extract_faces(aug, run / 'faces_augmented', cfg, progress=False)
        items, unit, out = len(clean) + len(aug), 'videos', [run / 'faces', run / 'faces_augmented']
    elif stage == 'mri_df':
        from mri_gan_nb.mri_dataset import build_mri_df
        videos = pd.concat([read_study_videos(cfg, root=run / 'synthetic'), read_extra_sources(cfg, root=run / 'synthetic')])
        counts = build_mri_df(run / 'faces', videos, run / 'mri_df', cfg, seed=cfg.seed, progress=False)
        items, unit, out = int(counts.images.sum()), 'pairs', [run / 'mri_df']
    elif stage == 'gan_data':
        from mri_gan_nb.gan_data import read_mri_index, MriPairs, epoch_plan
        index = read_mri_index(run / 'mri_df' / 'index.csv')
        plan = epoch_plan(index, 0, cfg.seed)
        ds = MriPairs(index, plan)
        for i in range(0, len(ds), max(1, len(ds) // 64)): ds[i]          # 64 items spread over the epoch
        items, unit, out = len(plan), 'pairs in an epoch', []
    elif stage == 'detector_data':
        from mri_gan_nb.detector import list_crops, CropDataset
        crops = list_crops(run / 'faces', ['train', 'valid'], augmented_dir=run / 'faces_augmented')
        ds = CropDataset(crops, cfg.det_input_size)
        for i in range(0, len(ds), max(1, len(ds) // 64)): ds[i]
        items, unit, out = len(ds), 'crops', []
    else: raise ValueError(stage)
    secs = time.perf_counter() - t0
    return dict(stage=stage, items=int(items), unit=unit, seconds=secs, peak_mb=_rss_mb(), base_mb=base,
                disk_bytes=sum(_du(p) for p in out))


def measure(n_videos: int, root: Path, stages=STAGES) -> list[dict]:
    "Make the dataset of about `n_videos` under `root` and run every stage on it, each in a fresh process."
    env = dict(os.environ, MRI_GAN_NB_WORK_DIR=str(root / 'work'), MRI_GAN_NB_FIGURES_DIR=str(root / 'figures'),
               OMP_NUM_THREADS='1', **{f'MRI_GAN_NB_{k}': v for k, v in overrides(n_videos).items()})
    rows = []
    for st in stages:
        res = subprocess.run([sys.executable, __file__, '--stage', st], env=env, capture_output=True, text=True)
        if res.returncode != 0: sys.exit(f"stage {st} failed at {n_videos} videos:\n{res.stderr[-3000:]}")
        row = json.loads(res.stdout.strip().splitlines()[-1]); rows.append(row)
        print(f"  {n_videos:>5} videos  {st:<14} {row['seconds']:7.1f} s  peak {row['peak_mb']:7.0f} MB", flush=True)
    n = next(r['items'] for r in rows if r['stage'] == 'synthetic')
    for r in rows: r['videos'] = n
    return rows


def report(small: list[dict], large: list[dict]) -> str:
    "The side-by-side table of two sizes' measurements."
    n0, n1 = small[0]['videos'], large[0]['videos']
    lines = [f"| stage | peak RSS {n0} videos (MB) | peak RSS {n1} videos (MB) | ratio (goal <= 1.2) | above baseline {n0} / {n1} (MB) "
             f"| disk per video ({n1}) | throughput ({n1}) |", '|---|---|---|---|---|---|---|']
    for a, b in zip(small, large):
        disk = f"{b['disk_bytes'] / b['videos'] / 1e3:.0f} KB" if b['disk_bytes'] else '-'
        lines.append(f"| {a['stage']} | {a['peak_mb']:.0f} | {b['peak_mb']:.0f} | {b['peak_mb'] / a['peak_mb']:.2f} | "
                     f"{a['peak_mb'] - a['base_mb']:.0f} / {b['peak_mb'] - b['base_mb']:.0f} | {disk} | "
                     f"{b['items'] / max(b['seconds'], 1e-9):.1f} {b['unit']}/s |")
    return '\n'.join(lines)


def _worker_cpu(client) -> float:
    "CPU seconds (user + system) spent so far by the worker processes of `client`."
    return sum(client.run(lambda: sum(os.times()[:2])).values())


def run_engine_stage(stage: str, workers: int, tag: str = '') -> dict:
    "Run one data stage on a fresh local Dask cluster of `workers` processes, into new folders (named with `tag`); wall and worker CPU time, start-up apart."
    import pandas as pd
    from mri_gan_nb.config import load_settings, seed_everything
    from mri_gan_nb.engine import get_client
    cfg = load_settings('smoke').replace(dask_workers=workers); run = cfg.run_dir; seed_everything(cfg.seed)
    from mri_gan_nb.data import read_study_videos, read_extra_sources
    t = time.perf_counter(); client = get_client(workers)
    def warm():                                # imports, MTCNN loaded and run once (once per worker): start-up, not work
        import numpy as np
        from mri_gan_nb.faces import get_mtcnn, face_params, detect_faces
        import mri_gan_nb.detector, mri_gan_nb.mri
        p = face_params(cfg)
        detect_faces([np.zeros((192, 256, 3), np.uint8)], get_mtcnn(p['mtcnn_thresholds'], p['device']))
    client.run(warm)
    start = time.perf_counter() - t
    # the stage's inputs (its video table, the generator) are read before the clock starts: the timed work is the stage function
    if stage == 'faces':
        from mri_gan_nb.faces import extract_faces
        videos = read_study_videos(cfg, root=run / 'synthetic'); extras = read_extra_sources(cfg, root=run / 'synthetic')
        clean = pd.concat([videos, extras[extras.source == 'celeb_df']], ignore_index=True)
        work = lambda: extract_faces(clean, run / f'faces_w{workers}{tag}', cfg, progress=False); items, unit = len(clean), 'videos'
    elif stage == 'mri_df':
        from mri_gan_nb.mri_dataset import build_mri_df
        videos = pd.concat([read_study_videos(cfg, root=run / 'synthetic'), read_extra_sources(cfg, root=run / 'synthetic')])
        work = lambda: build_mri_df(run / 'faces', videos, run / f'mri_df_w{workers}{tag}', cfg, seed=cfg.seed, progress=False)
        unit = 'pairs'
    elif stage == 'mri_cache':
        import torch
        from mri_gan_nb.gan_networks import Generator
        from mri_gan_nb.detector import list_crops
        from mri_gan_nb.crop_mris import cache_mris
        torch.manual_seed(0); g = Generator(cfg.gan_width).eval()
        crops = list_crops(run / 'faces', ['train', 'valid'])
        work = lambda: cache_mris(crops, g, run / f'mris_w{workers}{tag}', 'cpu', cfg.det_batch_size, progress=False, engine=cfg)
        items, unit = len(crops), 'crops'
    else: raise ValueError(stage)
    cpu0, own0, t0 = _worker_cpu(client), time.process_time(), time.perf_counter()
    out = work()
    if stage == 'mri_df': items = int(out.images.sum())
    secs = time.perf_counter() - t0
    return dict(stage=stage, workers=workers, items=items, unit=unit, seconds=secs, cpu_s=_worker_cpu(client) - cpu0,
                driver_cpu_s=time.process_time() - own0, start_s=start)


def engine_scaling(root: Path, n_videos: int, stages=ENGINE_STAGES, workers=(1, 2), repeats: int = 1) -> list[dict]:
    "Each engine stage on the dataset under `root` (already made by `measure`) with 1 and 2 workers, each run in a fresh process and fresh output folders, alternating 1, 2, 1, 2, ... `repeats` times; per (stage, workers) the fastest run, with the count of runs."
    env = dict(os.environ, MRI_GAN_NB_WORK_DIR=str(root / 'work'), MRI_GAN_NB_FIGURES_DIR=str(root / 'figures'), OMP_NUM_THREADS='1',
               **{f'MRI_GAN_NB_{k}': v for k, v in overrides(n_videos).items()})
    best = {}
    for st in stages:
        for r in range(repeats):
            for w in workers:
                res = subprocess.run([sys.executable, __file__, '--engine-stage', st, '--workers', str(w), '--tag', f'_r{r}'],
                                     env=env, capture_output=True, text=True)
                if res.returncode != 0: sys.exit(f"engine stage {st} with {w} workers failed:\n{res.stderr[-3000:]}")
                row = json.loads(res.stdout.strip().splitlines()[-1]); row['load1'] = os.getloadavg()[0]
                print(f"  {st:<10} {w} worker(s)  {row['items']} {row['unit']}  {row['seconds']:6.1f} s  worker CPU {row['cpu_s']:6.1f} s  "
                      f"driver CPU {row['driver_cpu_s']:5.1f} s  start-up {row['start_s']:5.1f} s  (load {row['load1']:.1f})", flush=True)
                key = (st, w); row['runs'] = best.get(key, {}).get('runs', 0) + 1
                if key not in best or row['seconds'] < best[key]['seconds']: best[key] = row
                else: best[key]['runs'] = row['runs']
    return list(best.values())


def _autogroup() -> bool:
    "Whether the kernel schedules each session's processes as one group (then under load all workers share one share)."
    try: return Path('/proc/sys/kernel/sched_autogroup_enabled').read_text().strip() == '1'
    except OSError: return False


def engine_report(rows: list[dict], load: tuple) -> str:
    "The 1-vs-2-worker table."
    by = {(r['stage'], r['workers']): r for r in rows}
    runs = max(r.get('runs', 1) for r in rows)
    lines = [f"Machine load while measuring: 1/5/15-min load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores "
             "(at most, before and after; above about 0.5 other jobs took cores from us and capped the wall-clock ratio). "
             + ("Linux groups this session's processes for CPU scheduling (sched_autogroup_enabled = 1): the driver and all its "
                "workers share one session's share of the cores, so while other sessions keep the cores busy a second worker "
                "adds little CPU and the wall-clock ratio stays near 1 whatever the code; only an idle machine measures it. "
                if _autogroup() else '')
             + (f"Each configuration ran {runs} times, alternating; the fastest run of each is shown. " if runs > 1 else '')
             + "CPU time shows the work: 'speed-up on 2 idle cores' = 2 x CPU(1 worker) / CPU(2 workers), workers + driver, what two free "
             "cores would give at the measured CPU cost (a projection, not a wall-clock measurement). Start-up (cluster start, imports, "
             "MTCNN loaded and run once per worker) is one-time and not in the timed work.", '',
             '| stage | items | 1 worker (items/s) | 2 workers (items/s) | speed-up, wall (goal >= 1.8) | speed-up on 2 idle cores, from CPU time | worker CPU ms per item, 1 / 2 workers | driver CPU ms per item, 1 / 2 | wall s, 1 / 2 | start-up s, 1 / 2 |',
             '|---|---|---|---|---|---|---|---|---|---|']
    for st in dict.fromkeys(r['stage'] for r in rows):
        a, b = by[(st, 1)], by[(st, 2)]
        ra, rb = a['items'] / max(a['seconds'], 1e-9), b['items'] / max(b['seconds'], 1e-9)
        ideal = 2 * (a['cpu_s'] + a['driver_cpu_s']) / max(b['cpu_s'] + b['driver_cpu_s'], 1e-9)    # 2 cores' worth of work at the CPU cost measured
        lines.append(f"| {st} | {a['items']} {a['unit']} | {ra:.2f} | {rb:.2f} | {rb / max(ra, 1e-9):.2f}x | {min(ideal, 2):.2f}x | "
                     f"{1e3 * a['cpu_s'] / a['items']:.0f} / {1e3 * b['cpu_s'] / b['items']:.0f} | {1e3 * a['driver_cpu_s'] / a['items']:.1f} / {1e3 * b['driver_cpu_s'] / b['items']:.1f} | "
                     f"{a['seconds']:.1f} / {b['seconds']:.1f} | {a['start_s']:.1f} / {b['start_s']:.1f} |")
    return '\n'.join(lines)


def dfdc_costs() -> dict:
    "Per-item CPU costs (seconds, one process, one thread) at DFDC's own size: 1920x1080 decode per frame, MTCNN per sampled frame (paper detect_downscale), one MRI-DF pair, one MRI-GAN MRI (paper width)."
    import numpy as np, torch
    torch.set_num_threads(1)
    from mri_gan_nb.config import load_settings
    from mri_gan_nb.faces import face_params, get_mtcnn, iter_video_faces
    from mri_gan_nb.testing import write_face_video
    from mri_gan_nb.mri import mri_fast, mri_to_uint8, resize_face
    from mri_gan_nb.video import write_rgb, read_rgb
    from mri_gan_nb.gan_networks import Generator
    from mri_gan_nb.crop_mris import generate_mris
    paper = load_settings('paper')
    tmp = Path(tempfile.mkdtemp(prefix='dfdc_cost_'))
    try:
        n_frames = 31
        v = write_face_video(tmp / 'hd.mp4', n_frames=n_frames, size=(1920, 1080), face_frac=0.3)
        p = face_params(paper, device='cpu'); m = get_mtcnn(p['mtcnn_thresholds'], 'cpu')
        st = {}; c0, w0 = time.process_time(), time.perf_counter()
        faces = [len(f) for _, _, f in iter_video_faces(v, p, m, st)]
        cpu = (time.process_time() - c0) / max(time.perf_counter() - w0, 1e-9)   # CPU share we got: costs in CPU seconds, not load
        decode = cpu * st['decode_s'] / n_frames; detect = cpu * st['detect_s'] / len(faces)
        # one MRI-DF pair: read two ~300 px crops, resize to 256, SSIM map, write face + MRI PNGs
        rng = np.random.default_rng(0)
        a = rng.integers(0, 256, (300, 280, 3), dtype=np.uint8); b = np.clip(a.astype(int) + rng.integers(-20, 20, a.shape), 0, 255).astype(np.uint8)
        write_rgb(tmp / 'a.png', a); write_rgb(tmp / 'b.png', b)
        t = time.process_time(); n = 16
        for _ in range(n):   # as the MRI-DF stage does it (mri_dataset): mri_fast resizes both and returns the MRI
            x, y = read_rgb(tmp / 'a.png'), read_rgb(tmp / 'b.png')
            mri = mri_to_uint8(mri_fast(x, y, 256))
            write_rgb(tmp / 'f.png', resize_face(y, 256)); write_rgb(tmp / 'm.png', mri)
        pair = (time.process_time() - t) / n
        g = Generator(paper.gan_width).eval(); imgs = [a] * 8
        generate_mris(g, imgs[:2], 256, 'cpu')                              # warm-up
        t = time.process_time(); ys = generate_mris(g, imgs, 256, 'cpu')
        for yy in ys: write_rgb(tmp / 'g.png', yy)
        mri_crop = (time.process_time() - t) / len(imgs)
        return dict(decode_frame=decode, detect_frame=detect, faces_found=sum(faces), mri_pair=pair, mri_crop=mri_crop)
    finally: shutil.rmtree(tmp, ignore_errors=True)


# Assumed, not measured here (no GPU on this machine): per-GPU throughputs on one modern data-centre GPU.
GPU_ASSUMED = dict(node_cores=32, mtcnn_frames_s=100.0, ssim_pairs_s=5000.0, generator_images_s=400.0)


def dfdc_projection(c: dict, cores: int) -> str:
    "Projected time of each data stage on full DFDC: this machine (measured per-item costs / cores) and one GPU node (estimate)."
    videos = DFDC['train_videos'] + DFDC['valid_videos'] + DFDC['test_videos']
    videos += int(DFDC['augment_fraction'] * DFDC['train_videos'])        # the augmented copies are cropped too
    sampled = DFDC['frames'] // DFDC['frame_every']
    faces_cpu = videos * (DFDC['frames'] * c['decode_frame'] + sampled * c['detect_frame'])
    mri_cpu, cache_cpu = DFDC['mri_pairs'] * c['mri_pair'], DFDC['detector_crops'] * c['mri_crop']
    g = GPU_ASSUMED
    # GPU node: decode on the node's cores, MTCNN / SSIM / MRI-GAN on the GPU; the two overlap (tasks on many workers), so the slower side sets the time
    faces_gpu = max(videos * DFDC['frames'] * c['decode_frame'] / g['node_cores'], videos * sampled / g['mtcnn_frames_s'])
    io_pair = max(c['mri_pair'] * 0.5, 1e-6)                               # assumed: half the CPU cost of a pair is PNG/resize I/O
    mri_gpu = max(DFDC['mri_pairs'] * io_pair / g['node_cores'], DFDC['mri_pairs'] / g['ssim_pairs_s'])
    cache_gpu = DFDC['detector_crops'] / g['generator_images_s']
    h = lambda s: f"{s / 3600:,.1f} h" if s < 72 * 3600 else f"{s / 86400:,.1f} days"
    lines = [f"Per-item costs measured here in CPU seconds (one process, one thread; unaffected by the load): decode {c['decode_frame'] * 1e3:.1f} ms per 1920x1080 frame "
             "(a synthetic mp4v video; DFDC's H.264 may decode slower), "
             f"MTCNN {c['detect_frame']:.2f} s per sampled frame (detect_downscale 0.5), MRI-DF {c['mri_pair'] * 1e3:.0f} ms per pair "
             f"(read, resize, fast SSIM map, two PNGs), MRI-GAN (width 64) {c['mri_crop']:.2f} s per crop incl. its PNG.", '',
             f"| stage | items on full DFDC | this machine ({cores} cores, all workers) | one GPU node (ESTIMATE: {g['node_cores']} cores + 1 GPU) |",
             '|---|---|---|---|',
             f"| faces | {videos:,} videos ({sampled} sampled of {DFDC['frames']} frames each; train + valid + test + augmented copies) | {h(faces_cpu / cores)} | {h(faces_gpu)} |",
             f"| MRI-DF | {DFDC['mri_pairs']:,} pairs | {h(mri_cpu / cores)} | {h(mri_gpu)} |",
             f"| MRI caching (MRI detector) | {DFDC['detector_crops']:,} crops | {h(cache_cpu / cores)} | {h(cache_gpu)} |", '',
             "This machine: items x measured cost / cores (the engine keeps every core busy; decode and MTCNN both on CPU).",
             f"GPU node, an ESTIMATE from these ASSUMED rates (not measured here): MTCNN {g['mtcnn_frames_s']:.0f} sampled frames/s per GPU "
             f"at half 1080p, batched; SSIM maps {g['ssim_pairs_s']:.0f} pairs/s (256x256x3, float32 on the GPU); MRI-GAN {g['generator_images_s']:.0f} "
             f"images/s (256x256, width 64); decode stays on the {g['node_cores']} CPU cores at the measured rate; half of an MRI-DF pair's "
             "CPU cost is PNG and resize work that stays on the CPU; CPU and GPU work overlap, so a stage takes max(CPU time / cores, "
             "items / GPU rate). Formula per stage: faces = max(V x 300 x decode / cores, V x 30 / MTCNN rate); MRI-DF = "
             "max(P x io / cores, P / SSIM rate); MRI caching = C / MRI-GAN rate."]
    return '\n'.join(lines)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', type=int, nargs=2, default=(100, 1000), help='numbers of videos of the two datasets')
    ap.add_argument('--keep', type=Path, help='keep the datasets and outputs in this folder')
    ap.add_argument('--no-engine', action='store_true', help='skip the 1-vs-2-worker runs and the DFDC projection')
    ap.add_argument('--projection-only', action='store_true', help='only the per-item costs at DFDC size and the projection')
    ap.add_argument('--stage', help=argparse.SUPPRESS)     # internal: run one stage in this process
    ap.add_argument('--engine-stage', help=argparse.SUPPRESS)
    ap.add_argument('--workers', type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument('--tag', default='', help=argparse.SUPPRESS)
    ap.add_argument('--engine-only', action='store_true', help='only the 1-vs-2-worker runs, on a dataset of the first size')
    ap.add_argument('--engine-stages', nargs='+', default=list(ENGINE_STAGES), choices=ENGINE_STAGES, help='the engine stages to measure')
    ap.add_argument('--repeats', type=int, default=1, help='runs of each worker count, alternating; the fastest is kept')
    a = ap.parse_args()
    if a.stage: print(json.dumps(run_stage(a.stage))); sys.exit(0)
    if a.engine_stage: print(json.dumps(run_engine_stage(a.engine_stage, a.workers, a.tag))); sys.exit(0)
    if a.projection_only: print(dfdc_projection(dfdc_costs(), os.cpu_count())); sys.exit(0)
    root = a.keep or Path(tempfile.mkdtemp(prefix='mri_gan_nb_scale_'))
    try:
        if a.engine_only:                       # the dataset and the faces the later engine stages read, then the engine runs
            measure(a.sizes[0], root / f'n{a.sizes[0]}', stages=STAGES[:2] if set(a.engine_stages) - {'faces'} else STAGES[:1])
        else:
            runs = [measure(n, root / f'n{n}') for n in a.sizes]
            print('\n## Memory, disk, throughput (in one process)\n\n' + report(*runs))
        if not a.no_engine:
            print('\nDask workers (on the smaller dataset):', flush=True)
            load0 = os.getloadavg(); rows = engine_scaling(root / f'n{a.sizes[0]}', a.sizes[0], a.engine_stages, repeats=a.repeats)
            load = tuple(max(x, y) for x, y in zip(load0, os.getloadavg()))
            print('\n## The Dask engine: 1 vs 2 workers\n\n' + engine_report(rows, load))
            if not a.engine_only: print('\n## Full DFDC, projected\n\n' + dfdc_projection(dfdc_costs(), os.cpu_count()), flush=True)
    finally:
        if not a.keep: shutil.rmtree(root, ignore_errors=True)
