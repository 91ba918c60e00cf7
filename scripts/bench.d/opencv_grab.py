"""OpenCV peer of `framegrab` (exact frames): python opencv_grab.py INPUT OUTDIR T [T ...]

What an OpenCV user writes: one cv2.VideoCapture (its FFmpeg back end, threads on by default); for each
time T (seconds), cap.set(cv2.CAP_PROP_POS_MSEC, T * 1000), cap.read() and cv2.imwrite() of
OUTDIR/NN.png (NN = the request's position from 1, zero-padded to two digits), with OpenCV's default PNG
settings. OpenCV turns the time into the frame number round(T * fps), seeks to a keyframe before it and
decodes forward to that frame: for a T inside a frame's display time that is the nearest frame start,
which may be the frame after the one on screen.
"""
import os
import sys

import cv2


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    path, outdir = sys.argv[1], sys.argv[2]
    times = [float(t) for t in sys.argv[3:]]
    width = max(2, len(str(len(times))))
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        print(f"opencv_grab: cannot open {path}", file=sys.stderr)
        return 1
    for index, t in enumerate(times, 1):
        cap.set(cv2.CAP_PROP_POS_MSEC, t * 1000)
        ok, frame = cap.read()
        if not ok:
            print(f"opencv_grab: nothing read at {t}", file=sys.stderr)
            return 1
        name = os.path.join(outdir, f"{index:0{width}d}.png")
        if not cv2.imwrite(name, frame):
            print(f"opencv_grab: cannot write {name}", file=sys.stderr)
            return 1
    cap.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
