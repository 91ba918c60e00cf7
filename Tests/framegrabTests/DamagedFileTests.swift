import Foundation
import FrameGrab
import TestSupport
import Testing

/// Damaged and truncated videos: FFmpeg stays quiet unless asked, early frames still come out right.
@Suite struct DamagedFileTests {
    enum Damaged: String, CaseIterable, Sendable {
        case zeroedMiddle, cutAt60Percent, zeroedMiddleOfStreamableMP4, cutTransportStream

        func make(in scratch: Scratch) throws -> String {
            let original = try Damage.bytes(of: bframesName)
            switch self {
            case .zeroedMiddle:
                return try scratch.write("in/zeroed.mp4", Damage.zeroed(original, at: 0.5, count: 40_000))
            case .cutAt60Percent:
                return try scratch.write("in/cut.mp4", Damage.truncated(original, keeping: 0.6))
            case .zeroedMiddleOfStreamableMP4:
                let streamable = try #require(Damage.faststart(original))
                return try scratch.write("in/zeroed-fast.mp4", Damage.zeroed(streamable, at: 0.3, count: 60_000))
            case .cutTransportStream:
                let ts = try Damage.bytes(of: "h264-offset.ts")
                return try scratch.write("in/cut.ts", Damage.zeroed(Damage.truncated(ts, keeping: 0.7), at: 0.4, count: 20_000))
            }
        }
    }

    static let times = ["1", "3", "4.5", "5.5", "6", "8", "9.9"]

    /// By default stderr holds framegrab's own lines only, whatever FFmpeg thinks of the file.
    @Test(arguments: Damaged.allCases)
    func ffmpegIsQuietByDefault(damage: Damaged) throws {
        try Scratch.with { scratch in
            let input = try damage.make(in: scratch)
            for json in [false, true] {
                let result = try scratch.run([input, "-o", "out/\(json)-{index}.png", "-t", Self.times.joined(separator: ",")]
                                             + (json ? ["--json"] : []))
                #expect(result.status == 0 || result.status == 1, "\(result)")
                let chatter = result.stderrLines.filter(isFFmpegChatter)
                let chatterLines = chatter.count
                #expect(chatterLines == 0, "FFmpeg log lines on stderr without --verbose:\n\(chatter.prefix(5).joined(separator: "\n"))\n\(result)")
                for line in result.stderrLines {
                    #expect(line.hasPrefix("framegrab: ") && line.contains(input), "only framegrab's messages, naming the file: \(line)")
                }
                if json {
                    #expect(result.stderr == "", "JSON mode reports on stdout: \(result)")
                    _ = jsonRecords(result)
                }
            }
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    /// With --verbose FFmpeg may talk, but on stderr only: stdout stays one JSON object per line.
    @Test func verboseKeepsFFmpegOffStdout() throws {
        try Scratch.with { scratch in
            let input = try Damaged.zeroedMiddle.make(in: scratch)
            let result = try scratch.run([input, "--verbose", "--json", "-o", "out/{index}.png", "-t", Self.times.joined(separator: ",")])
            #expect(result.status == 0 || result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.compactMap(\.index).sorted() == Array(1...Self.times.count), "\(result)")
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    /// The first half of h264-bframes.mp4 with its index (moov) up front, as a download cut short leaves it:
    /// times before the cut give the right frames, times after it fail cleanly.
    @Test func truncatedStreamableMP4() throws {
        let original = try Damage.bytes(of: bframesName)
        let streamable = try #require(Damage.faststart(original), "h264-bframes.mp4 could not be rearranged")
        try expectEarlyFramesSurvive(bytes: Damage.truncated(streamable, keeping: 0.5), name: "half.mp4", video: bframes,
                                     before: ["0", "0.5", "1", "2", "3", "3.5"], after: ["7", "9.9"])
    }

    @Test func truncatedTransportStream() throws {
        let video = Fixtures.video("h264-offset.ts")
        try expectEarlyFramesSurvive(bytes: Damage.truncated(try Damage.bytes(of: "h264-offset.ts"), keeping: 0.5), name: "half.ts",
                                     video: video, before: ["0", "0.5", "1", "2", "2.5"], after: ["4", "5.9"])
    }

    @Test func truncatedMatroska() throws {
        let video = Fixtures.video("vfr.mkv")
        try expectEarlyFramesSurvive(bytes: Damage.truncated(try Damage.bytes(of: "vfr.mkv"), keeping: 0.5), name: "half.mkv",
                                     video: video, before: ["0", "0.5", "1", "2"], after: ["4", "4.4"])
    }

    func expectEarlyFramesSurvive(bytes: [UInt8], name: String, video: Fixtures.Video, before: [String], after: [String],
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Scratch.with { scratch in
            let input = try scratch.write("in/\(name)", bytes)
            let times = before + after
            let result = try scratch.run([input, "--json", "-o", "out/{index}.png", "-t", times.joined(separator: ",")],
                                         sourceLocation: sourceLocation)
            #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
            #expect(!result.stderrLines.contains(where: isFFmpegChatter), "\(result)", sourceLocation: sourceLocation)
            let records = jsonRecords(result, sourceLocation: sourceLocation)
            #expect(records.compactMap(\.index).sorted() == Array(1...times.count), "every request answered once: \(result)",
                    sourceLocation: sourceLocation)
            let written = scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation)
            for record in records {
                guard let index = record.index, (1...times.count).contains(index) else { continue }
                if index <= before.count {
                    let shown = video.frameShown(at: seconds(times[index - 1]))!
                    #expect(record.isImage, "\(name) at \(times[index - 1]) is before the cut: \(record)", sourceLocation: sourceLocation)
                    #expect(record.actual.map { abs($0 - video.time(ofFrame: shown).seconds) < 1e-6 } == true, "\(record)",
                            sourceLocation: sourceLocation)
                    expectShows(written["\(index).png"], frame: shown, "\(name) at \(times[index - 1])", sourceLocation: sourceLocation)
                } else {
                    #expect(!record.isImage, "\(name) at \(times[index - 1]) is after the cut: \(record)", sourceLocation: sourceLocation)
                    #expect(["beyondEnd", "decodeFailed"].contains(record.code ?? ""), "\(record)", sourceLocation: sourceLocation)
                    #expect(record.error?.contains(input) == true, "\(record)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// h264-bframes.mp4 keeps its index at the end, so its first half cannot be read at all (not by FFmpeg
    /// either): one clean error for the input.
    @Test func truncatedMP4WithoutItsIndexIsInvalidData() throws {
        try Scratch.with { scratch in
            let input = try scratch.write("in/half.mp4", Damage.truncated(try Damage.bytes(of: bframesName), keeping: 0.5))
            let result = try scratch.run([input, "--json", "-o", "out/", "-t", "1"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 1 && records.first?.code == "invalidData" && records.first?.error?.contains(input) == true, "\(result)")
            #expect(result.stderr == "", "\(result)")
        }
    }
}
