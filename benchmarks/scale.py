"""Does each data stage's memory stay bounded as the dataset grows, and what does it cost per video?

Generates two synthetic mini-DFDCs in the DFDC layout (about 100 and 1,000 small videos, `--sizes`), runs
each stage of the study on both in a fresh process, and prints side by side, per stage:
- peak resident memory (RSS) of the process at each size and their ratio (goal: <= 1.2; a stage whose memory
  grows with the dataset shows ~10x), and the peak above the process's own baseline after its imports;
- disk written per video, and throughput (videos, pairs or images per second).

    python benchmarks/scale.py                   # 100 and 1,000 videos (about 10 minutes on 2 cores)
    python benchmarks/scale.py --sizes 30 100    # a quicker look

The stages are the study's own functions (faces with the augmentation plan applied as frames are read,
MRI-DF, and the training datasets of MRI-GAN and the detector), run with the `smoke` profile's settings
except the number of videos. Everything is written under a temporary folder (or --keep DIR).
"""
from __future__ import annotations
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

STAGES = ('synthetic', 'faces', 'mri_df', 'gan_data', 'detector_data')


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
        from mri_gan_nb.mri import build_mri_df
        videos = pd.concat([read_study_videos(cfg, root=run / 'synthetic'), read_extra_sources(cfg, root=run / 'synthetic')])
        index = build_mri_df(run / 'faces', videos, run / 'mri_df', cfg, seed=cfg.seed, progress=False)
        items, unit, out = len(index), 'pairs', [run / 'mri_df']
    elif stage == 'gan_data':
        from mri_gan_nb.gan import read_mri_index, MriPairs, epoch_plan
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


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', type=int, nargs=2, default=(100, 1000), help='numbers of videos of the two datasets')
    ap.add_argument('--keep', type=Path, help='keep the datasets and outputs in this folder')
    ap.add_argument('--stage', help=argparse.SUPPRESS)     # internal: run one stage in this process
    a = ap.parse_args()
    if a.stage: print(json.dumps(run_stage(a.stage))); sys.exit(0)
    root = a.keep or Path(tempfile.mkdtemp(prefix='mri_gan_nb_scale_'))
    try:
        runs = [measure(n, root / f'n{n}') for n in a.sizes]
        print('\n' + report(*runs))
    finally:
        if not a.keep: shutil.rmtree(root, ignore_errors=True)
