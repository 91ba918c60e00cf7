import Foundation
import FrameGrab
import TestSupport
import Testing

/// Inputs that are not videos: each gets its own error code and a message naming it, and never a crash.
@Suite struct BadInputTests {
    enum Kind: String, CaseIterable, Sendable {
        case missing, empty, randomBytes, text, longText, audioOnly, folder, truncatedHeader

        /// Makes the input in the scratch folder and returns the path to pass to framegrab.
        func make(in scratch: Scratch) throws -> String {
            switch self {
            case .missing: return "in/missing.mp4"
            case .empty: return try scratch.write("in/empty.mp4", [])
            case .randomBytes: return try scratch.write("in/x.mp4", Damage.noise(count: 64 * 1024))
            case .text: return try scratch.write("in/notes.txt", Array("These are not the frames you are looking for.\n".utf8))
            // Long enough for FFmpeg's tty demuxer, which would draw it as a 640x400 "video" of ANSI art.
            case .longText: return try scratch.write("in/readme.txt", Array(String(repeating: "Shot 12: the harbour at dawn, wide.\n", count: 100).utf8))
            case .audioOnly: return try scratch.write("in/sound.m4a", Damage.bytes(of: "audio-only.m4a"))
            case .folder:
                try FileManager.default.createDirectory(at: scratch.url("in/clips.mp4"), withIntermediateDirectories: true)
                return "in/clips.mp4"
            case .truncatedHeader: return try scratch.write("in/stub.mp4", Array(Damage.bytes(of: bframesName).prefix(40)))
            }
        }

        var code: String {
            switch self {
            case .missing: return "notFound"
            case .empty: return "emptyFile"
            case .randomBytes, .text, .longText, .truncatedHeader: return "invalidData"
            case .audioOnly: return "noVideoStream"
            case .folder: return "isDirectory"
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func badInputInJSON(kind: Kind) throws {
        try Scratch.with { scratch in
            let input = try kind.make(in: scratch)
            let result = try scratch.run([input, "--json", "-o", "out/", "-t", "1"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 1, "one line for the input, none per request: \(result)")
            if let record = records.first {
                expectKeys(record, JSONRecord.inputFailureKeys)
                #expect(record.input == input, "\(record)")
                #expect(record.code == kind.code, "\(kind): \(record)")
                #expect(record.error?.contains(input) == true, "the message names the file: \(record)")
            }
            #expect(!result.stderrLines.contains(where: isFFmpegChatter), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing written")
        }
    }

    @Test(arguments: Kind.allCases)
    func badInputInPlainMode(kind: Kind) throws {
        try Scratch.with { scratch in
            let input = try kind.make(in: scratch)
            let result = try scratch.run([input, "-o", "out/", "-t", "1", "-t", "2"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "", "\(result)")
            #expect(result.stderrLines.count == 1, "one message for the input: \(result)")
            #expect(result.stderr.contains(input), "\(result)")
            #expect(!result.stderrLines.contains(where: isFFmpegChatter), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing written")
        }
    }

    /// The good inputs are still done when others fail, whether one input or several are worked on at once.
    @Test(arguments: [[], ["-j", "1"], ["-j", "4"]])
    func goodInputsAreStillWritten(jobs: [String]) throws {
        try Scratch.with { scratch in
            let bad = try Kind.allCases.map { try $0.make(in: scratch) }
            let inputs = [Fixtures.path("vp9.webm")] + bad[0..<3] + [bframesPath] + bad[3...] + [Fixtures.path("rotated90.mp4")]
            let result = try scratch.run(inputs + jobs + ["--json", "-o", "out/{name}-{index}.png", "-t", "1,3"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            let images = records.filter(\.isImage)
            #expect(Set(images.compactMap(\.path)) == ["out/vp9-1.png", "out/vp9-2.png", "out/h264-bframes-1.png", "out/h264-bframes-2.png",
                                                      "out/rotated90-1.png", "out/rotated90-2.png"], "\(result)")
            let failures = records.filter { !$0.isImage }
            #expect(Set(failures.compactMap(\.input)) == Set(bad), "\(result)")
            #expect(failures.count == bad.count, "\(result)")
            let written = scratch.expectOnlyPNGs(under: "out")
            #expect(written.count == 6)
            expectShows(written["h264-bframes-2.png"], frame: 75)
            expectShows(written["vp9-2.png"], frame: 72)
            expectShows(written["rotated90-1.png"], frame: 25, orientation: Fixtures.video("rotated90.mp4").displayOrientation)
        }
    }

    /// Plain mode: the good images are listed on stdout, one message per bad input on stderr.
    @Test func goodInputsAreStillWrittenInPlainMode() throws {
        try Scratch.with { scratch in
            let missing = try Kind.missing.make(in: scratch), noise = try Kind.randomBytes.make(in: scratch)
            let result = try scratch.run([missing, bframesPath, noise, "-o", "out/", "-t", "1"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdoutLines == ["out/h264-bframes-1.png"], "\(result)")
            #expect(result.stderrLines.count == 2, "\(result)")
            #expect(result.stderrLines.contains { $0.contains(missing) } && result.stderrLines.contains { $0.contains(noise) }, "\(result)")
            expectShows(scratch.expectOnlyPNGs(under: "out")["h264-bframes-1.png"], frame: 25)
        }
    }
}
