#!/usr/bin/env bash
# The keyframe peer a user writes with the ffmpeg tools: keyframe_script.sh INPUT OUTDIR T [T ...]
#
# Writes OUTDIR/NN.png (NN = the request's position from 1, two digits) = the keyframe nearest to T:
#   1. ffprobe lists the keyframe times from the packets' K flags (nothing is decoded), in the background;
#   2. one ffmpeg pass decodes only the keyframes (-skip_frame nokey) and writes each as a PNG named by
#      its frame number (-vsync 0 -frame_pts 1), with ffmpeg's own threads for decoding and encoding;
#   3. the i-th keyframe time goes with the i-th PNG, and each T gets a copy of its nearest keyframe's.
# ffmpeg's PNG settings are its defaults, as in every other ffmpeg peer of the bench.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: keyframe_script.sh INPUT OUTDIR T [T ...]" >&2; exit 64; }
in=$1 out=$2; shift 2
kf="$out/.keyframes"
mkdir -p "$kf"
ffprobe -v error -select_streams v:0 -show_entries packet=pts_time,flags -of csv=p=0 "$in" \
    | awk -F, '$2 ~ /^K/ { print $1 }' | sort -g >"$kf/times" &
probe=$!
ffmpeg -v error -nostdin -skip_frame nokey -i "$in" -map 0:v:0 -vsync 0 -frame_pts 1 "$kf/%d.png"
wait "$probe"
# "TIME FILE" pairs, then one "FILE NN" line per requested time
ls "$kf" | awk '/\.png$/' | sort -n | paste -d' ' "$kf/times" - >"$kf/map"
awk 'NF != 2 { print "keyframe_script: " NR ": keyframe times and PNGs differ in number" > "/dev/stderr"; exit 1 }' "$kf/map"
printf '%s\n' "$@" | awk -v map="$kf/map" '
    BEGIN { while ((getline line < map) > 0) { split(line, f, " "); t[++n] = f[1]; png[n] = f[2] } }
    { best = 1; for (i = 2; i <= n; i++) if ((t[i] - $1) ^ 2 < (t[best] - $1) ^ 2) best = i
      printf "%s %02d\n", png[best], NR }' |
while read -r png nn; do cp "$kf/$png" "$out/$nn.png"; done
rm -rf "$kf"
