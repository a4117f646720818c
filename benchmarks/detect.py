"""Seconds, CPU seconds and peak memory of `mri-gan-nb detect` (mri_gan_nb.detect) at its DEFAULT settings on a
10-s 1920x1080 and a 10-s 3840x2160 30-fps video, beside a reimplementation of the authors' app pipeline (MTCNN on
every frame at full resolution), as a ratio. Goals (issue 12): <= 3 s for the 1080p video, <= 6 s for the 4K one,
<= 2 GiB peak memory for each, on 2 CPU cores.

Each measurement runs in a fresh subprocess, so that its peak resident memory (ru_maxrss) is its own. The videos
are synthetic (scikit-image's astronaut over a textured background, `testing.write_face_video`, a face about 90 px
wide at 1080p; mp4v, the encoder OpenCV's wheel has here, where DFDC is H.264). The model directory holds an
untrained `plain` detector at the quick profile's settings (timing only: the scores mean nothing).

The authors' pipeline runs MTCNN (facenet-pytorch, min face 20 px) on EVERY frame at full resolution, one frame
at a time. That takes minutes per video here, so it is timed on the first `--authors-frames` frames and the
per-frame time is multiplied by the number of frames (stated as an extrapolation in the output); decoding is
timed on the whole video.

    python benchmarks/detect.py                          # 1080p and 4K, 10 s each, the model's threads (1)
    python benchmarks/detect.py --sizes 1920x1080 --authors-frames 10
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

GOALS = {'1920x1080': 3.0, '3840x2160': 6.0}
GOAL_GIB = 2.0


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20     # Linux: KiB


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime


def run_ours(video, model_dir, threads):
    "One `detect_videos` call on `video` at the model's settings: wall seconds, CPU seconds, peak GiB, the result's stages."
    import torch
    torch.set_num_threads(threads)
    from mri_gan_nb.detect import detect_videos
    from mri_gan_nb.faces import get_mtcnn
    get_mtcnn((0.85, 0.95, 0.95), 'cpu')                    # the nets loaded before the clock starts, as in a long run
    t0, c0 = time.perf_counter(), _cpu()
    (r,) = detect_videos([video], model_dir, device='cpu', threads=threads)
    return dict(seconds=time.perf_counter() - t0, cpu_seconds=_cpu() - c0, peak_gib=_peak_gib(), status=r['status'],
                faces=r['n_faces'], frames=r['frames_read'], stages=r['seconds'])


def run_authors(video, threads, n_frames):
    "The authors' app: every frame decoded, MTCNN at full resolution on each; decode timed on all, MTCNN on the first n_frames."
    import cv2, numpy as np, torch
    torch.set_num_threads(threads)
    from facenet_pytorch import MTCNN
    mtcnn = MTCNN(keep_all=True, thresholds=[0.85, 0.95, 0.95], device='cpu')
    cap = cv2.VideoCapture(str(video)); total = 0
    t0, c0 = time.perf_counter(), _cpu()
    det_s, det_cpu, found = 0.0, 0.0, 0
    while True:
        ok, f = cap.read()
        if not ok: break
        total += 1
        if total <= n_frames:
            t, c = time.perf_counter(), _cpu()
            boxes, _ = mtcnn.detect(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
            det_s += time.perf_counter() - t; det_cpu += _cpu() - c; found += boxes is not None
    cap.release()
    wall, cpu = time.perf_counter() - t0 - det_s, _cpu() - c0 - det_cpu      # decode and convert, all frames
    n = max(1, min(n_frames, total))
    return dict(seconds=wall + det_s / n * total, cpu_seconds=cpu + det_cpu / n * total, peak_gib=_peak_gib(),
                frames=total, timed_frames=n, detect_s_per_frame=det_s / n, frames_with_face=found)


def _child(kind, *args) -> dict:
    out = subprocess.run([sys.executable, __file__, '--child', kind, *map(str, args)], capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS=str(args[-2] if kind == 'authors' else args[-1])))
    if out.returncode: raise RuntimeError(f"{kind} run failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sizes', nargs='+', default=list(GOALS), help='video sizes WxH (default 1920x1080 3840x2160)')
    ap.add_argument('--seconds', type=float, default=10)
    ap.add_argument('--fps', type=int, default=30)
    ap.add_argument('--threads', type=int, default=0, help="torch threads (default 0: the model's torch_threads setting, "
                    "1 in the quick profile: on a loaded 2-core machine 2 threads were 3x slower)")
    ap.add_argument('--profile', default='quick', help='profile of the model settings (default quick: the defaults)')
    ap.add_argument('--authors-frames', type=int, default=10, help='frames the authors\' pipeline is timed on (then extrapolated)')
    ap.add_argument('--child', nargs='+', help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        res = run_ours(rest[0], rest[1], int(rest[2])) if kind == 'ours' else run_authors(rest[0], int(rest[1]), int(rest[2]))
        print(json.dumps(res)); return
    import pandas as pd, torch
    from mri_gan_nb.config import load_settings
    from mri_gan_nb.detector import DeepFakeDetector, save_model_dir
    from mri_gan_nb.testing import write_face_video
    cfg = load_settings(args.profile)
    args.threads = args.threads or cfg.torch_threads or os.cpu_count()
    rows = []
    with tempfile.TemporaryDirectory(prefix='detect_bench_') as tmp:
        tmp = Path(tmp)
        torch.manual_seed(0)
        md = save_model_dir(tmp / 'plain', DeepFakeDetector(bn_momentum=0.1), 'plain', cfg.det_input_size, cfg.as_dict(),
                            verdict={'threshold': 0.5, 'fraction': 0.3, 'aggregation': 'track'})
        for size in args.sizes:
            w, h = (int(v) for v in size.lower().split('x'))
            t0 = time.perf_counter()
            video = write_face_video(tmp / f'{size}.mp4', n_frames=int(args.seconds * args.fps), size=(w, h), fps=args.fps, face_frac=0.3)
            print(f"wrote {size} {args.seconds:g}-s video ({video.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
            ours = _child('ours', video, md, args.threads)
            auth = _child('authors', video, args.threads, args.authors_frames)
            goal = GOALS.get(size)
            rows.append({'video': size, 'ours_s': round(ours['seconds'], 2), 'ours_cpu_s': round(ours['cpu_seconds'], 2),
                         'ours_peak_GiB': round(ours['peak_gib'], 2), 'faces': ours['faces'], 'frames_sampled': ours['frames'],
                         'decode_s': ours['stages']['decode'], 'detect_s': ours['stages']['detect'], 'classify_s': ours['stages']['classify'],
                         'goal_s': goal, 'meets_goal': bool(goal and ours['seconds'] <= goal and ours['peak_gib'] <= GOAL_GIB),
                         'authors_s (extrapolated)': round(auth['seconds'], 1), 'authors_cpu_s': round(auth['cpu_seconds'], 1),
                         'authors_peak_GiB': round(auth['peak_gib'], 2), 'authors_MTCNN_s_per_frame': round(auth['detect_s_per_frame'], 3),
                         'speedup (authors / ours)': round(auth['seconds'] / ours['seconds'], 1)})
            print(json.dumps(rows[-1]), flush=True)
    print(f"\ndetect at the {args.profile} profile's defaults (detect_long_side {cfg.detect_long_side}, frame_every {cfg.frame_every}, "
          f"face_batch_size {cfg.face_batch_size}, input {cfg.det_input_size} px), torch threads {args.threads}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a shared machine inflates wall seconds; CPU seconds less so)")
    print(f"authors' pipeline: every frame decoded, MTCNN at full resolution on each; MTCNN timed on {args.authors_frames} frames "
          f"and extrapolated to all frames")
    print(pd.DataFrame(rows).T.to_string(header=False))


if __name__ == '__main__':
    main()
