"""Frames per second of face extraction (mri_gan_nb.faces) with and without detection downscale.

Makes a synthetic full-HD video (scikit-image's astronaut over a textured background), extracts the
faces of every `--every`-th frame at each `--scales` value, and prints a table: frames read, faces,
seconds, frames/s, speed-up over native resolution, and the IoU of the boxes with the native ones.

    python benchmarks/faces.py                      # 1920x1080, 60 frames, every 10th, scales 1 0.5 0.25
    python benchmarks/faces.py --frames 120 --device cuda --threads 0
"""
import argparse, json, tempfile, time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from mri_gan_nb.faces import box_iou, extract_faces, face_params, get_mtcnn
from mri_gan_nb.testing import write_face_video


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--size', default='1920x1080', help='video width x height (default 1920x1080)')
    ap.add_argument('--frames', type=int, default=60, help='frames in the video (default 60)')
    ap.add_argument('--every', type=int, default=10, help='take every n-th frame (default 10)')
    ap.add_argument('--scales', type=float, nargs='+', default=[1.0, 0.5, 0.25], help='detect_downscale values')
    ap.add_argument('--batch', type=int, default=16, help='face_batch_size (default 16)')
    ap.add_argument('--device', default='auto', help='auto, cpu or cuda')
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (0 = leave torch default)')
    args = ap.parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    w, h = (int(v) for v in args.size.lower().split('x'))
    with tempfile.TemporaryDirectory(prefix='faces_bench_') as tmp:
        tmp = Path(tmp)
        video = write_face_video(tmp / 'hd.mp4', n_frames=args.frames, size=(w, h), face_frac=0.5)
        table = pd.DataFrame(dict(video=['bench/hd'], path=[str(video)]))
        rows, ref = [], None
        for s in args.scales:
            p = face_params(frame_every=args.every, detect_downscale=s, face_batch_size=args.batch, device=args.device)
            mtcnn = get_mtcnn(p['mtcnn_thresholds'], p['device'])
            mtcnn.detect([np.zeros((64, 64, 3), np.uint8)])  # load the nets before timing
            t0 = time.perf_counter()
            man = extract_faces(table, tmp / f'out_{s}', p, progress=False)
            sec = time.perf_counter() - t0
            r = man.iloc[0]
            rec = json.loads((tmp / f'out_{s}' / 'bench/hd/faces.json').read_text())
            boxes = {f['frame']: f['boxes'] for f in rec['frames']}
            ref = ref or boxes
            ious = [box_iou(boxes[k][0], ref[k][0]) for k in ref if ref[k] and boxes.get(k)]
            rows.append(dict(downscale=s, frames=int(r['frames_read']), faces=int(r['faces']), seconds=round(sec, 2),
                             fps=round(r['frames_read'] / sec, 2), min_iou=round(min(ious), 3) if ious else float('nan')))
    df = pd.DataFrame(rows)
    df['speedup'] = (df['fps'] / df['fps'].iloc[0]).round(2)
    print(f"face extraction, {w}x{h}, {args.frames} frames, every {args.every}th, device {args.device}, "
          f"torch threads {torch.get_num_threads()}")
    print(df.to_string(index=False))


if __name__ == '__main__':
    main()
