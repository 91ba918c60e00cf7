"""Helpers of scripts/bench (standard library only; run with any python3).

  benchlib.py median HYPERFINE_JSON          "MEDIAN CPU": median wall time of the first command and its mean
                                             CPU time (user + system, children included), in seconds
  benchlib.py frames PTS_FILE TB T [T ...]   for each T, the 0-based presentation-order index of the frame
                                             on screen at T (the last pts <= T); PTS_FILE has one integer pts
                                             a line, TB is the time base (1/12800); times are relative to the
                                             first pts
  benchlib.py ptimes PTS_FILE TB             every frame's presentation time relative to the first, in
                                             seconds, rounded up to the microsecond (so each names its frame)
  benchlib.py pnginfo DIR                    "COUNT AVG_BYTES SIZES": PNG files in DIR (non-empty, valid
                                             signature), their mean size, the distinct WxH seen
  benchlib.py match REF_DIR PEER_DIR [STRIDE]  "SAME/N MIN_PSNR": pairs the sorted PNGs of both folders (every
                                             STRIDE-th pair) and counts pairs whose PSNR (ffmpeg's psnr
                                             filter) is >= 31 dB: the same decoded frame. On the bench's
                                             grainy inputs one frame converted to RGB by two tools (different
                                             swscale flags) measures about 35-40 dB, neighbouring frames
                                             about 22-26 dB. N is the number of pairs compared
  benchlib.py report ROWS_TSV OUT_MD         prints the results table and writes it to OUT_MD
  benchlib.py cuts TOOL OUTPUT_FILE          the cut times (seconds, comma-separated) in what a shot detector
                                             printed: framegrab shots --json lines (every start but the
                                             first), a PySceneDetect list-scenes CSV (every scene start but
                                             the first), ffmpeg's showinfo log (pts_time of each selected frame)
  benchlib.py shots SHOTS_TSV FPS KNOWN OUT_MD  prints the shot-detection table and appends it to OUT_MD:
                                             rows "INPUT TOOL MEDIAN CPU CUTS [known]"; KNOWN is the
                                             comma-separated frames where shots start in the built shot video
"""
import json
import math
import os
import re
import subprocess
import sys
from fractions import Fraction

SAME_FRAME_DB = 31.0

# workload -> target ratio framegrab / best peer, lower is better (issue 21); for memory, the peak RSS
# of 1000 exact times over that of 10
TARGETS = {
    "keyframe-20": 0.25,   # 20 keyframe stills of the 64 s 1080p file
    "exact-20": 0.40,      # 20 exact stills of the same file
    "keyframe-long": 0.08, # 20 keyframe stills of the 10.6 min 720p file
    "exact-long": 0.35,    # 20 exact stills of the same file
    "batch-40": 0.15,      # one still of each of 40 short clips
    "dense": 0.50,         # every frame of a 250-frame clip
    "sheet": 0.15,         # a 4x4 contact sheet of the 64 s 1080p file, against vcsi
    "memory": 1.20,        # peak RSS, 1000 vs 10 exact times
}
ORDER = list(TARGETS)


def median(path):
    with open(path) as f:
        data = json.load(f)
    r = data["results"][0]
    print(f"{r['median']:.4f} {r['user'] + r['system']:.4f}")


def read_pts(pts_file, tb):
    with open(pts_file) as f:
        pts = sorted(int(line.strip()) for line in f if line.strip() and line.strip() != "N/A")
    tb = Fraction(tb)
    return [(p - pts[0]) * tb for p in pts]


def frames(pts_file, tb, times):
    rel = read_pts(pts_file, tb)
    for t in times:
        t = Fraction(t)
        print(max(0, sum(1 for p in rel if p <= t) - 1))


def ptimes(pts_file, tb):
    for p in read_pts(pts_file, tb):
        micro = math.ceil(p * 1_000_000)
        print(f"{micro // 1_000_000}.{micro % 1_000_000:06d}".rstrip("0").rstrip("."))


def png_files(folder):
    return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".png"))


def pnginfo(folder):
    count, total, sizes = 0, 0, set()
    for path in png_files(folder):
        with open(path, "rb") as f:
            head = f.read(24)
        if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
            continue
        count += 1
        total += os.path.getsize(path)
        sizes.add(f"{int.from_bytes(head[16:20], 'big')}x{int.from_bytes(head[20:24], 'big')}")
    avg = total // count if count else 0
    print(count, avg, ",".join(sorted(sizes)) or "-")


def psnr(a, b):
    out = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", a, "-i", b, "-lavfi",
                          "[0:v]format=rgb24[x];[1:v]format=rgb24[y];[x][y]psnr", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    m = re.search(r"average:(\S+)", out)
    if not m:
        return float("nan")
    return math.inf if m.group(1) == "inf" else float(m.group(1))


def match(ref, peer, stride=1):
    a, b = png_files(ref), png_files(peer)
    if len(a) != len(b):
        print(f"0/{max(len(a), len(b))} counts-differ")
        return
    values = [psnr(a[i], b[i]) for i in range(0, len(a), stride)]
    same = sum(1 for v in values if v >= SAME_FRAME_DB)
    low = min(values) if values else float("nan")
    print(f"{same}/{len(values)} {'inf' if low == math.inf else f'{low:.1f}'}")


def report(rows_tsv, out_md):
    rows = []
    with open(rows_tsv) as f:
        for line in f:
            if not line.strip():
                continue
            workload, tool, sec, cpu, rss, pngs, avg, same, cmd = (line.rstrip("\n").split("\t") + [""] * 9)[:9]
            rows.append(dict(workload=workload, tool=tool, sec=sec, cpu=cpu, rss=rss, pngs=pngs, avg=avg, same=same, cmd=cmd))

    def fnum(v, fmt):
        try:
            return fmt.format(float(v))
        except ValueError:
            return v or "-"

    lines = ["| workload | tool | median wall (s) | CPU (s) | peak RSS (MB) | PNGs | mean PNG (KB) | same frame as framegrab (count, lowest PSNR dB) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        mb = fnum(float(r["rss"]) / 1024 if r["rss"] not in ("", "-") else "-", "{:.1f}")
        kb = fnum(float(r["avg"]) / 1024 if r["avg"] not in ("", "-") else "-", "{:.0f}")
        lines.append(f"| {r['workload']} | {r['tool']} | {fnum(r['sec'], '{:.3f}')} | {fnum(r['cpu'], '{:.2f}')} | {mb} | {r['pngs'] or '-'} | {kb} | {r['same'] or '-'} |")

    verdict = ["", "| workload | framegrab | best peer | ratio | target | result |",
               "| --- | ---: | --- | ---: | ---: | --- |"]
    for w in ORDER:
        mine = [r for r in rows if r["workload"] == w]
        if not mine:
            continue
        if w == "memory":
            small = next((r for r in mine if r["tool"].startswith("framegrab, 10 ")), None)
            large = next((r for r in mine if r["tool"].startswith("framegrab, 1000 ")), None)
            if small and large:
                ratio = float(large["rss"]) / float(small["rss"])
                ok = "PASS" if ratio <= TARGETS[w] else "FAIL"
                verdict.append(f"| memory (RSS 1000 / 10 times) | {float(large['rss']) / 1024:.1f} MB | "
                               f"{float(small['rss']) / 1024:.1f} MB (10 times) | {ratio:.2f} | <= {TARGETS[w]} | {ok} |")
            continue
        fg = next((r for r in mine if r["tool"] == "framegrab"), None)
        peers = [r for r in mine if r["tool"] != "framegrab"]
        if not fg or not peers:
            continue
        best = min(peers, key=lambda r: float(r["sec"]))
        ratio = float(fg["sec"]) / float(best["sec"])
        ok = "PASS" if ratio <= TARGETS[w] else "FAIL"
        verdict.append(f"| {w} | {float(fg['sec']):.3f} s | {best['tool']} {float(best['sec']):.3f} s | "
                       f"{ratio:.2f} | <= {TARGETS[w]} | {ok} |")

    text = "\n".join(lines + verdict) + "\n"
    print(text, end="")
    with open(out_md, "w") as f:
        f.write("# framegrab benchmark results\n\n")
        f.write(text)
        f.write("\nCPU is hyperfine's mean user + system time of a run (the one GNU time run for memory rows); "
                "the ratios use the median wall time.\n")
        f.write("Peak RSS is GNU time's maximum resident set size of the largest single process of a run "
                "(for the shell loops and xargs peers: of one ffmpeg/ffmpegthumbnailer process, not their sum).\n")
        f.write("decode-floor rows are `ffmpeg -v error -i IN -f null -` (decode only, no conversion, no PNG).\n")
        cmds = [r for r in rows if r["cmd"]]
        if cmds:
            f.write("\n## Commands\n\n")
            for r in cmds:
                f.write(f"- {r['workload']} / {r['tool']}: `{r['cmd']}`\n")


def cuts(tool, path):
    text = open(path, encoding="utf-8", errors="replace").read()
    times = []
    if tool == "framegrab":
        # Shot lines, not the final {"summary":…} object.
        records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        starts = [record["start"] for record in records if "start" in record]
        times = starts[1:]
    elif tool == "scenedetect":
        rows = [line.split(",") for line in text.splitlines()]
        header = next((i for i, r in enumerate(rows) if "Start Time (seconds)" in r), None)
        if header is not None:
            column = rows[header].index("Start Time (seconds)")
            times = [float(r[column]) for r in rows[header + 1:] if len(r) > column][1:]
    elif tool == "ffmpeg":
        times = [float(m) for m in re.findall(r"pts_time:([0-9.]+)", text)]
    print(",".join(f"{t:.3f}" for t in times))


def shots(path, fps, known, out_md):
    fps = float(fps)
    known = {int(k) for k in known.split(",") if k}
    lines = ["", "## Shot detection", "",
             "| input | tool | median | CPU | cuts found | on a known cut, to the frame | off by 1-2 frames | elsewhere |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in open(path, encoding="utf-8"):
        name, tool, sec, cpu, found = (row.rstrip("\n").split("\t") + [""])[:5]
        frames = [round(float(t) * fps) for t in found.split(",") if t]
        if name.startswith("shots"):
            exact = sum(1 for f in frames if f in known)
            near = sum(1 for f in frames if f not in known and any(abs(f - k) <= 2 for k in known))
            rest = len(frames) - exact - near
            cells = [f"{exact} of {len(known)}", str(near), str(rest)]
        else:
            cells = ["-", "-", f"{len(frames)} (the video is one shot)"]
        lines.append(f"| {name} | {tool} | {float(sec):.2f} s | {float(cpu):.2f} s | {len(frames)} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out_md, "a", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "median":
        median(args[0])
    elif cmd == "frames":
        frames(args[0], args[1], args[2:])
    elif cmd == "ptimes":
        ptimes(args[0], args[1])
    elif cmd == "pnginfo":
        pnginfo(args[0])
    elif cmd == "match":
        match(args[0], args[1], int(args[2]) if len(args) > 2 else 1)
    elif cmd == "report":
        report(args[0], args[1])
    elif cmd == "cuts":
        cuts(args[0], args[1])
    elif cmd == "shots":
        shots(args[0], args[1], args[2], args[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main()
