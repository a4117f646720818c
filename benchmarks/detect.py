"""Seconds per video of `mri-gan-nb detect` (mri_gan_nb.detect) for the `plain` method, split into decode,
face detection and classification, against the goal of 3 s for a 10-s 1920x1080 30-fps video on 2 CPU cores.

Makes a synthetic full-HD video (scikit-image's astronaut over a textured background, as
faces.write_face_video; mp4v, the only encoder OpenCV's wheel has here — DFDC's videos are H.264) and
a plain model directory with untrained weights (timing only) at the quick profile's input size, then
scores the video once per `--scales` value of `detect_downscale` (a model setting: detect always uses
the model's own). Before that it times decoding alone (iter_frames: every frame grabbed, every 10th
converted), with OpenCV's FFmpeg decoder on its default threads and on one thread
(OPENCV_FFMPEG_CAPTURE_OPTIONS="threads;1"), to show what decoding costs by itself.

    python benchmarks/detect.py                       # 10 s of 1920x1080 at 30 fps, scales 1 0.5 0.25, 2 threads
    python benchmarks/detect.py --seconds 4 --scales 0.5 --threads 1
"""
import argparse, os, tempfile, time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from mri_gan_nb.config import load_settings
from mri_gan_nb.detect import detect_videos
from mri_gan_nb.detector import DeepFakeDetector, save_model_dir
from mri_gan_nb.faces import face_params, get_mtcnn, write_face_video
from mri_gan_nb.video import iter_frames

GOAL_S = 3.0


def decode_seconds(video, every: int, threads: str | None) -> tuple[float, int]:
    "Seconds to walk `video` with iter_frames (FFmpeg threads option `threads`, None = OpenCV's default), frames read."
    key, old = 'OPENCV_FFMPEG_CAPTURE_OPTIONS', os.environ.get('OPENCV_FFMPEG_CAPTURE_OPTIONS')
    if threads is not None: os.environ[key] = f'threads;{threads}'
    try:
        t0, st = time.perf_counter(), {}
        for _ in iter_frames(video, every, stats=st): pass
        return time.perf_counter() - t0, st['read']
    finally:
        if old is None: os.environ.pop(key, None)
        else: os.environ[key] = old


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--size', default='1920x1080', help='video width x height (default 1920x1080)')
    ap.add_argument('--seconds', type=float, default=10, help='video length in seconds (default 10)')
    ap.add_argument('--fps', type=int, default=30)
    ap.add_argument('--scales', type=float, nargs='+', default=[1.0, 0.5, 0.25], help='detect_downscale values')
    ap.add_argument('--profile', default='quick', help='profile giving the model settings (input size, frame_every, ...)')
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads (default 2: the goal is on 2 cores)')
    ap.add_argument('--video', type=Path, help='reuse this video instead of making one')
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    w, h = (int(v) for v in args.size.lower().split('x'))
    cfg = load_settings(args.profile)
    with tempfile.TemporaryDirectory(prefix='detect_bench_') as tmp:
        tmp = Path(tmp)
        video = args.video
        if video is None:
            t0 = time.perf_counter()
            video = write_face_video(tmp / 'hd.mp4', n_frames=int(args.seconds * args.fps), size=(w, h), fps=args.fps, face_frac=0.5)
            print(f"wrote {w}x{h} {args.seconds:g}-s {args.fps}-fps video ({video.stat().st_size / 1e6:.1f} MB) "
                  f"in {time.perf_counter() - t0:.1f} s")
        every = cfg.frame_every
        dec = [dict(ffmpeg_threads=t or 'default', seconds=round(s, 2), frames_read=n)
               for t in (None, '1', '2') for s, n in [decode_seconds(video, every, t)]]
        print(f"\ndecode only (iter_frames, every frame grabbed, every {every}th converted):")
        print(pd.DataFrame(dec).to_string(index=False))

        torch.manual_seed(0)
        model = DeepFakeDetector(bn_momentum=0.1)
        get_mtcnn(tuple(cfg.mtcnn_thresholds), 'cpu').detect([np.zeros((64, 64, 3), np.uint8)])  # load the nets first
        rows = []
        for s in args.scales:
            md = save_model_dir(tmp / f'plain_{s}', model, 'plain', cfg.det_input_size,
                                {**cfg.as_dict(), 'detect_downscale': s}, verdict={'threshold': 0.5, 'fraction': 0.3})
            t0 = time.perf_counter()
            (r,) = detect_videos([video], md, device='cpu')
            wall = time.perf_counter() - t0
            assert r['status'] == 'ok', r
            sec = r['seconds']
            rows.append(dict(detect_downscale=s, frames=r['frames_read'], faces=r['n_faces'], decode=sec['decode'],
                             detect=sec['detect'], classify=sec['classify'], video_s=sec['total'],
                             with_model_load=round(wall, 2), vs_goal=round(sec['total'] / GOAL_S, 2)))
    df = pd.DataFrame(rows)
    print(f"\nplain detector, {w}x{h}, {args.seconds:g} s at {args.fps} fps, every {every}th frame, input "
          f"{cfg.det_input_size}px ({args.profile}), torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("seconds per video (video_s = decode + detect + classify; vs_goal = video_s / 3 s):")
    print(df.to_string(index=False))


if __name__ == '__main__':
    main()
