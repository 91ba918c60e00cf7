import Foundation
import FrameGrab
import TestSupport
import Testing

/// `--tolerance`, `--tolerance-before` and `--tolerance-after`: keyframes inside the window, else the exact frame.
@Suite struct CLIToleranceTests {
    /// Runs framegrab on h264-bframes.mp4 (keyframes at 0, 4 and 8 s) and checks each answer against the
    /// manifest: the nearest keyframe in [T - before, T + after] when there is one, else the frame on screen at T.
    func check(times: [String], options: [String], before: MediaTime, after: MediaTime,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/{index}.png", "-t", times.joined(separator: ",")] + options,
                                         sourceLocation: sourceLocation)
            #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            let records = jsonRecords(result, sourceLocation: sourceLocation)
            #expect(records.compactMap(\.index).sorted() == Array(1...times.count), "\(result)", sourceLocation: sourceLocation)
            for record in records {
                guard let index = record.index, (1...times.count).contains(index), let actual = record.actual else {
                    Issue.record("not an image line: \(record)", sourceLocation: sourceLocation)
                    continue
                }
                let time = seconds(times[index - 1])
                let keyframe = bframes.nearestKeyframe(to: time, before: before, after: after)
                let expected = keyframe ?? bframes.frameShown(at: time)!
                let what = keyframe == nil ? "the exact frame" : "the nearest keyframe"
                #expect(abs(actual - bframes.time(ofFrame: expected).seconds) < 1e-6,
                        "\(options.joined(separator: " ")) -t \(times[index - 1]): expected \(what) at \(bframes.time(ofFrame: expected)), got \(record)",
                        sourceLocation: sourceLocation)
                let image = decodePNG(scratch.url("out/\(String(index).leftPadded(to: String(times.count).count)).png"), sourceLocation: sourceLocation)
                let inPixels = image.map { frameNumber(in: $0) }
                #expect(inPixels == expected, "frame in the pixels of \(record)", sourceLocation: sourceLocation)
                // Whatever frame came back, the keyframe flag is that frame's.
                if let inPixels, bframes.frames.indices.contains(inPixels) {
                    #expect(record.keyframe == bframes.frames[inPixels].key, "keyframe flag of \(record)", sourceLocation: sourceLocation)
                }
                if keyframe != nil {
                    #expect(record.keyframe == true, "\(record)", sourceLocation: sourceLocation)
                }
            }
            scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation)
        }
    }

    @Test func keyframeToleranceGivesTheNearestKeyframe() throws {
        // Keyframes at 0, 4 and 8 s; none of these times is halfway between two of them.
        // Past the end, the unbounded window reaches back into the video: the last keyframe.
        try check(times: ["0", "0.1", "1.9", "2.1", "3.99", "4", "4.04", "5.5", "6.5", "7", "9.9", "9.96", "10", "12.5"],
                  options: ["--tolerance", "keyframe"], before: .positiveInfinity, after: .positiveInfinity)
    }

    @Test func infiniteSidesAreTheKeyframeTolerance() throws {
        try check(times: ["1.9", "2.1", "5.5", "6.5"],
                  options: ["--tolerance-before", "inf", "--tolerance-after", "inf"], before: .positiveInfinity, after: .positiveInfinity)
    }

    @Test func windowWithAKeyframeReturnsIt() throws {
        try check(times: ["4.3", "3.7", "4.5", "7.9", "8.2", "0.4"],
                  options: ["--tolerance-before", "0.5", "--tolerance-after", "0.5"], before: seconds("0.5"), after: seconds("0.5"))
    }

    @Test func windowWithoutAKeyframeReturnsTheExactFrame() throws {
        try check(times: ["6", "2", "9.2", "1.01", "5.55"],
                  options: ["--tolerance-before", "0.5", "--tolerance-after", "0.5"], before: seconds("0.5"), after: seconds("0.5"))
    }

    /// A keyframe counts when it is on screen at some instant of the window, even if its own time is just
    /// before the window: the keyframe at 8 s is shown until 8.04 s, and 8.53 - 0.5 = 8.03.
    @Test func keyframeShownInsideTheWindowCounts() throws {
        #expect(bframes.nearestKeyframe(to: seconds("8.53"), before: seconds("0.5"), after: seconds("0.5")) == 200)
        try check(times: ["8.53", "4.535"], options: ["--tolerance", "0.5"], before: seconds("0.5"), after: seconds("0.5"))
    }

    /// One-sided windows: a keyframe only counts on the allowed side.
    @Test func oneSidedWindows() throws {
        // 4.3 has the keyframe at 4 behind it: allowed when looking back, not when looking ahead.
        try check(times: ["4.3", "3.8", "8.1"], options: ["--tolerance-before", "0.5"], before: seconds("0.5"), after: .zero)
        try check(times: ["4.3", "3.8", "7.9"], options: ["--tolerance-after", "500ms"], before: .zero, after: seconds("0.5"))
    }

    @Test func bothSidesAtOnce() throws {
        try check(times: ["4.3", "6", "7.7"], options: ["--tolerance", "0.5"], before: seconds("0.5"), after: seconds("0.5"))
        try check(times: ["4.3", "6", "7.7"], options: ["--tolerance", "exact"], before: .zero, after: .zero)
    }

    @Test func toleranceAndASideTogetherIsAUsageError() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/", "-t", "1", "--tolerance", "1", "--tolerance-after", "1"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "" && result.stderr.contains("--tolerance"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    /// A keyframe that B-frames decoded after it come before on screen (MPEG-4 Part 2 in NUT: the packets of
    /// such a container give framegrab no times it trusts, so keyframes are found by reading packets and
    /// their times learned by decoding them). A batch gives every request the answer it gets alone: before,
    /// once a request had been answered from one GOP, a seek meant to learn a later keyframe's time landed on
    /// that GOP's keyframe and the map took it for the later one, so a request at the last keyframe (3 s)
    /// got the one before (2.08 s).
    @Test func aKeyframeShownAfterTheFramesDecodedAfterItIsTheSameInABatchAsAlone() throws {
        try Scratch.with { scratch in
            try FFmpegTool.run(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=3", "-c:v", "mpeg4", "-bf", "2", "-g", "25",
                                "-q:v", "4", "-fflags", "+bitexact", "-flags:v", "+bitexact", "late.nut"], in: scratch.url)
            let times = ["0.3", "0.9", "1.5", "2.5", "2.9", "3", "3.3"]
            let batch = try scratch.run(["late.nut", "--tolerance", "keyframe", "--json", "-o", "batch/{index}.png", "-t", times.joined(separator: ",")])
            #expect(batch.status == 0, "\(batch)")
            let together = Dictionary(jsonRecords(batch).compactMap { record in record.index.map { ($0, record) } }, uniquingKeysWith: { a, _ in a })
            for (offset, time) in times.enumerated() {
                let alone = try scratch.run(["late.nut", "--tolerance", "keyframe", "--json", "-o", "alone-\(offset + 1).png", "-t", time])
                let record = jsonRecords(alone).first
                #expect(alone.status == 0 && record?.keyframe == true, "\(alone)")
                #expect(together[offset + 1]?.actual == record?.actual, "-t \(time): \(String(describing: together[offset + 1])) in a batch, \(String(describing: record)) alone")
                #expect(scratch.bytes("batch/\(offset + 1).png") != nil && scratch.bytes("batch/\(offset + 1).png") == scratch.bytes("alone-\(offset + 1).png"), "-t \(time)")
            }
            // The last keyframe, shown at 3 s (decoded before the B-frame at 2.96 s), for the times nearest it.
            for index in [5, 6, 7] { #expect(together[index]?.actual == 3, "-t \(times[index - 1]): \(String(describing: together[index]))") }
        }
    }
}
