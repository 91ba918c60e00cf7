"""PyAV peer of `framegrab`: python pyav_grab.py [--keyframe] INPUT OUTDIR T [T ...]

For each time T (seconds, decimal), seeks to the keyframe at or before T and decodes forward to the
frame on screen at T (the last frame whose presentation time is at or before T), then saves it as
OUTDIR/NN.png (NN = the request's position from 1, zero-padded to two digits) through Pillow.
Frame threading is on (thread_type AUTO), as anyone after speed would set it.

With --keyframe, the keyframe at or before T instead (the first frame after the seek), and the decoder
is told to skip every other frame (skip_frame NONKEY), as a user after the fast keyframe still would.
"""
import os
import sys
from fractions import Fraction

import av


def main() -> int:
    args = sys.argv[1:]
    keyframe = bool(args) and args[0] == "--keyframe"
    if keyframe:
        args = args[1:]
    if len(args) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    path, outdir = args[0], args[1]
    times = [Fraction(t) for t in args[2:]]
    width = max(2, len(str(len(times))))
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if keyframe:
            stream.codec_context.skip_frame = "NONKEY"
        time_base = stream.time_base
        start = stream.start_time or 0
        for index, t in enumerate(times, 1):
            target = start + int(t / time_base)  # floor: a pts at or before T
            container.seek(target, stream=stream, backward=True, any_frame=False)
            chosen = None
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                if keyframe:
                    chosen = frame
                    break
                if frame.pts <= target:
                    chosen = frame
                    continue
                if chosen is None:  # T before the first frame: the first frame
                    chosen = frame
                break
            if chosen is None:
                print(f"pyav_grab: nothing decoded for {t}", file=sys.stderr)
                return 1
            chosen.to_image().save(os.path.join(outdir, f"{index:0{width}d}.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
