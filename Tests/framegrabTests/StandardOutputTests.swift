import Foundation
import FrameGrab
import TestSupport
import Testing

/// `-o -`: the one image to stdout, for another program to read, and nothing else there.
@Suite struct StandardOutputTests {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// stdout is one PNG and nothing else: the frame on screen at 5 s, at the video's size.
    @Test func theImageAloneGoesToStandardOutput() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "5", "-o", "-"])
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = [UInt8](result.stdoutData)
            #expect(Array(bytes.prefix(8)) == Self.pngSignature, "stdout starts with \(bytes.prefix(16))")
            #expect(bytes.suffix(12) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82], "stdout ends with the IEND chunk")
            let image = try FrameImage(pngData: bytes)
            #expect(image.width == 320 && image.height == 240)
            #expect(frameNumber(in: image) == bframes.frameShown(at: MediaTime(seconds: 5)))
            #expect(result.summaryLine?.hasPrefix("framegrab: 1 written, 0 failed") == true, "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            #expect(scratch.files(under: ".").isEmpty, "no file named - (or anything else)")
        }
    }

    /// Another program reads the PNG from the pipe: ffprobe sees a PNG of the video's size.
    @Test func aPipeIntoAnotherProgram() throws {
        try Scratch.with { scratch in
            let script = """
                "$FRAMEGRAB" \(CommandResult.shellQuoted(Fixtures.path("rotated90.mp4"))) -t 1 -o - \
                  | ffprobe -v error -i - -show_entries stream=codec_name,width,height -of csv=p=0
                """
            let result = try Framegrab.runInBash(script, in: scratch.url)
            #expect(result.status == 0 && result.stdout == "png,240,320\n", "\(result)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }

    /// With --json the lines go to stderr, so stdout still holds only the PNG; the {"summary"} object takes
    /// the place of the summary line.
    @Test func jsonGoesToStandardError() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "2.5", "-o", "-", "--json"])
            #expect(result.status == 0, "\(result)")
            #expect(Array(result.stdoutData.prefix(8)) == Self.pngSignature)
            #expect(frameNumber(in: try FrameImage(pngData: [UInt8](result.stdoutData))) == bframes.frameShown(at: MediaTime(seconds: 2.5)))
            let lines = result.stderrLines
            #expect(lines.count == 2 && result.summaryLine == nil, "\(result)")
            let image = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any], "\(result)")
            #expect(image["path"] as? String == "-" && image["width"] as? Int == 320 && image["requested"] as? Double == 2.5, "\(image)")
            #expect(lines.last?.hasPrefix("{\"summary\":{\"files\":1,\"written\":1,\"failed\":0") == true, "\(result)")
        }
    }

    /// A request that fails leaves stdout empty and says why on stderr.
    @Test func aFailedRequestWritesNothing() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "99", "-o", "-"])
            #expect(result.status == 1 && result.stdoutData.isEmpty, "\(result)")
            #expect(result.stderr.contains("past the end of the video"), "\(result)")
            let missing = try scratch.run(["missing.mp4", "-t", "1", "-o", "-"])
            #expect(missing.status == 1 && missing.stdoutData.isEmpty && missing.stderr.contains("no such file"), "\(missing)")
        }
    }

    /// `--every` may give one time (a short video) or several: only one is allowed.
    @Test func everyIsCountedOnceTheDurationIsKnown() throws {
        try Scratch.with { scratch in
            let once = try scratch.run([bframesPath, "--every", "60", "-o", "-"])
            #expect(once.status == 0, "\(once)")
            #expect(frameNumber(in: try FrameImage(pngData: [UInt8](once.stdoutData))) == 0)
            let often = try scratch.run([bframesPath, "--every", "4", "-o", "-"])
            #expect(often.status == 64 && often.stdoutData.isEmpty, "\(often)")
            #expect(often.stderr.contains("-o - writes one image to standard output, but \(bframesPath) gets 3 times"), "\(often)")
            let fromFile = try Framegrab.runInBash(#""$FRAMEGRAB" \#(CommandResult.shellQuoted(bframesPath)) --times-file <(echo 1; echo 2) -o -"#,
                                                   in: scratch.url)
            #expect(fromFile.status == 64 && fromFile.stdoutData.isEmpty && fromFile.stderr.contains("gets 2 times"), "\(fromFile)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }

    @Test func usageErrorsSayWhy() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("videos"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("videos/a.mp4"))
            let vp9 = Fixtures.path("vp9.webm")
            let cases: [([String], String)] = [
                ([bframesPath, "-t", "1", "-t", "2"], "but 2 times are asked for"),
                ([bframesPath, "-t", "1,2,3"], "but 3 times are asked for"),
                ([bframesPath, "--count", "2"], "but 2 times are asked for"),
                ([bframesPath, "-t", "1", "--count", "1"], "but 2 times are asked for"),
                ([bframesPath, vp9, "-t", "1"], "so it takes one input file, not 2"),
                (["videos", "-t", "1"], "videos is a folder"),
                (["videos/", "-r", "-t", "1"], "videos/ is a folder"),
                ([bframesPath, "-t", "1", "--golden", "golden"], "--golden compares images instead of writing them"),
                ([bframesPath, "-t", "1", "--skip-existing"], "--skip-existing looks for image files"),
            ]
            for (arguments, reason) in cases {
                let result = try scratch.run(arguments + ["-o", "-"])
                #expect(result.status == 64 && result.stdoutData.isEmpty, "\(result)")
                #expect(result.stderr.contains("-o - writes one image to standard output") && result.stderr.contains(reason), "\(result)")
            }
            #expect(scratch.files(under: ".") == ["videos/a.mp4"])
        }
    }

    /// A PNG is not for a terminal: with stdout on one, `-o -` is refused before anything is decoded.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func notToATerminal() throws {
        try Scratch.with { scratch in
            let command = CommandResult.shellQuoted("\"$FRAMEGRAB\" \(CommandResult.shellQuoted(bframesPath)) -t 1 -o -")
            // script(1) runs the command on a pseudo-terminal; -e returns its exit status.
            let result = try Framegrab.runInBash("script -qec \(command) /dev/null", in: scratch.url)
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout.contains("which is a terminal here"), "\(result)")
            #expect(!result.stdout.contains("PNG"), "\(result)")
        }
    }

    /// A file named `-` is still possible, as `./-`.
    @Test func aFileNamedDashIsDotSlashDash() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1", "-o", "./-"])
            #expect(result.status == 0 && result.stdoutLines == ["./-"], "\(result)")
            #expect(decodePNG(scratch.url("-")) != nil)
        }
    }
}
