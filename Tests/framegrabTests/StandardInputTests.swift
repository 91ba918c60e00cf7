import Foundation
import FrameGrab
import TestSupport
import Testing

/// `-`: a video read from standard input, a pipe read once from start to end.
@Suite struct StandardInputTests {
    /// A container of the tests' B-frame clip (or a fixture) as the bytes a pipe would carry, and the
    /// fixture whose frames it holds.
    struct Piped: CustomStringConvertible, Sendable {
        let description: String
        let fixture: String
        /// Makes the file in the scratch folder and returns its path there.
        let make: @Sendable (Scratch) throws -> String
    }

    static let containers: [Piped] = [
        Piped(description: "Matroska", fixture: bframesName) { scratch in
            try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "clip.mkv"], in: scratch.url)
            return scratch.path("clip.mkv")
        },
        Piped(description: "MPEG-TS (B-frames)", fixture: bframesName) { scratch in
            try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "clip.ts"], in: scratch.url)
            return scratch.path("clip.ts")
        },
        Piped(description: "MPEG-TS starting at 11.4 s", fixture: "h264-offset.ts") { _ in Fixtures.path("h264-offset.ts") },
        Piped(description: "faststart MP4", fixture: bframesName) { scratch in
            try scratch.write("clip.mp4", try #require(Damage.faststart(try Damage.bytes(of: bframesName))))
        },
        Piped(description: "fragmented MP4", fixture: "fragmented-duration.mp4") { _ in Fixtures.path("fragmented-duration.mp4") },
        Piped(description: "MP4 fragmented at its keyframes, the first fragment in its header", fixture: bframesName) { scratch in
            try fragmentedAtKeyframes(scratch)
        },
        // Its first packets are read to tell its times are decode times, and handed out again.
        Piped(description: "faststart MP4 timed in decode order", fixture: "h264-dts-order.mp4") { scratch in
            try scratch.write("dts.mp4", try #require(Damage.faststart(try Damage.bytes(of: "h264-dts-order.mp4"))))
        },
        Piped(description: "faststart MP4 with an edit list from mid-GOP", fixture: "editlist-midgop.mp4") { scratch in
            try scratch.write("edit.mp4", try #require(Damage.faststart(try Damage.bytes(of: "editlist-midgop.mp4"))))
        },
        Piped(description: "faststart HEVC with open GOPs", fixture: "hevc-opengop.mp4") { scratch in
            try scratch.write("open.mp4", try #require(Damage.faststart(try Damage.bytes(of: "hevc-opengop.mp4"))))
        },
    ]

    /// Every frame of the video, asked for in one run through a pipe: each image is the frame on screen at its
    /// time (its number is in its pixels), byte for byte the image the file itself gives, at the same actual time.
    /// A keyframe tolerance on a pipe gets the exact frame, which is in every window.
    @Test(arguments: containers)
    func everyFrameThroughAPipe(_ piped: Piped) throws {
        try Scratch.with { scratch in
            let path = try piped.make(scratch)
            let video = Fixtures.video(piped.fixture)
            // The middle of each frame's time on screen.
            let times = video.frames.indices.map { index in
                let (from, to) = (video.time(ofFrame: index).seconds, video.shownUntil(index).seconds)
                return String(format: "%.6f", (from + to) / 2)
            }
            _ = try scratch.write("times.txt", Array((times.joined(separator: "\n") + "\n").utf8))
            let options = ["--times-file", "times.txt", "-o", "{name}/{index}.png", "--json"]
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let fromFile = try scratch.run([path, "--times-file", "times.txt", "-o", "file/{index}.png", "--json"])
            let piped1 = try scratch.run(["-", "--name", "piped"] + options, stdin: bytes)
            let keyframes = try scratch.run(["-", "--name", "keyframes", "--tolerance", "keyframe"] + options, stdin: bytes)
            #expect(fromFile.status == 0 && piped1.status == 0 && keyframes.status == 0, "\(fromFile)\n\(piped1)\n\(keyframes)")
            let expected = try URLInputTests.contents(scratch, "file")
            #expect(expected.count == video.frames.count, "\(piped): \(expected.count) images")
            #expect(try URLInputTests.contents(scratch, "piped") == expected, "\(piped): the file's bytes through a pipe")
            #expect(try URLInputTests.contents(scratch, "keyframes") == expected, "\(piped): exact frames for a keyframe tolerance")
            let images = scratch.expectOnlyPNGs(under: "piped")
            let width = String(video.frames.count).count
            for index in video.frames.indices {
                let file = String(repeating: "0", count: width - String(index + 1).count) + String(index + 1) + ".png"
                #expect(images[file].map { frameNumber(in: $0) } == index, "\(piped): \(file)")
            }
            // (Lines come as results are ready, in an order that varies.)
            let actual = { (result: CommandResult) in
                Dictionary(jsonRecords(result).filter(\.isImage).map { ($0.index ?? -1, $0.actual ?? -1) }, uniquingKeysWith: { a, _ in a })
            }
            #expect(actual(piped1) == actual(fromFile) && actual(keyframes) == actual(fromFile), "\(piped): actual times")
            #expect(jsonRecords(piped1).filter(\.isImage).allSatisfy { $0.input == "stdin" }, "the input is called stdin")
        }
    }

    /// `ffmpeg -movflags frag_keyframe` (to a file or a pipe): the header lists the frames before the second
    /// keyframe only (4 s of the clip's 10 s: FFmpeg's own duration when it reads it from a pipe), then fragments.
    static func fragmentedAtKeyframes(_ scratch: Scratch) throws -> String {
        try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "-movflags", "frag_keyframe", "frag.mp4"], in: scratch.url)
        return scratch.path("frag.mp4")
    }

    /// Shares of the length and `--count` use the length the container states (a faststart MP4, Matroska);
    /// where it states none (MPEG-TS, a fragmented MP4 with an empty index or with the frames before its first
    /// fragment only) they fail with a clear error, and times in seconds still work.
    @Test func sharesOfTheLengthNeedAStatedLength() throws {
        try Scratch.with { scratch in
            let mp4 = try scratch.write("clip.mp4", try #require(Damage.faststart(try Damage.bytes(of: bframesName))))
            let file = try scratch.run([mp4, "--count", "4", "-t", "50%", "-o", "file/"])
            let piped = try scratch.run(["-", "--count", "4", "-t", "50%", "-o", "piped/"], stdin: try Data(contentsOf: URL(fileURLWithPath: mp4)))
            #expect(file.status == 0 && piped.status == 0, "\(file)\n\(piped)")
            let images = try URLInputTests.contents(scratch, "file")
            #expect(images.count == 5)
            #expect(try URLInputTests.contents(scratch, "piped") == Dictionary(uniqueKeysWithValues: images.map {
                ($0.key.replacingOccurrences(of: "clip-", with: "stdin-"), $0.value)
            }))
            for fixture in [Fixtures.path("h264-offset.ts"), Fixtures.path("fragmented-duration.mp4"), try Self.fragmentedAtKeyframes(scratch)] {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture))
                let counted = try scratch.run(["-", "--count", "3", "-o", "counted/", "--json"], stdin: bytes)
                #expect(counted.status == 1, "\(fixture)\n\(counted)")
                let records = jsonRecords(counted)
                #expect(records.count == 1 && records[0].code == "needsSeekableInput" && records[0].error?.contains("seconds") == true,
                        "\(fixture)\n\(counted)")
                #expect(scratch.files(under: "counted").isEmpty)
                let seconds = try scratch.run(["-", "-t", "1", "-o", "seconds.png"], stdin: bytes)
                #expect(seconds.status == 0, "\(fixture)\n\(seconds)")
            }
        }
    }

    /// An MP4 whose index comes after its frames cannot be read from a pipe (FFmpeg reads past the frames to
    /// find the index), nor `--shots` (a pass to find the shots, then one for the stills): one clear error,
    /// `needsSeekableInput`, exit status 1, and no image.
    @Test func whatNeedsSeekingIsRefused() throws {
        try Scratch.with { scratch in
            try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "clip.mkv"], in: scratch.url)
            let cases: [(Data, [String], String)] = [
                (try Data(contentsOf: URL(fileURLWithPath: bframesPath)), ["-t", "1", "-t", "2"], "faststart"),
                (try Data(contentsOf: scratch.url("clip.mkv")), ["--shots"], "shots -"),
                (try Data(contentsOf: scratch.url("clip.mkv")), ["sheet", "--shots"], "shots -"),
            ]
            for (bytes, arguments, hint) in cases {
                let result = try scratch.run(arguments.prefix { $0 == "sheet" } + ["-"] + arguments.drop { $0 == "sheet" } + ["-o", "out/", "--json"],
                                             stdin: bytes)
                #expect(result.status == 1, "\(result)")
                let records = jsonRecords(result)
                #expect(records.count == 1 && records[0].code == "needsSeekableInput" && records[0].input == "stdin", "\(result)")
                #expect(records.first?.error?.contains(hint) == true, "says what to do: \(result)")
                #expect(scratch.files(under: "out").isEmpty)
            }
        }
    }

    /// `{name}` is `stdin`, or what `--name` says; standard input asked for twice, and `--name` without `-`,
    /// are usage errors.
    @Test func namesAndUsage() throws {
        try Scratch.with { scratch in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts")))
            let plain = try scratch.run(["-", "-t", "1", "-o", "out/"], stdin: bytes)
            let named = try scratch.run(["-", "-t", "1", "-o", "out/", "--name", "camera 2.ts"], stdin: bytes)
            #expect(plain.status == 0 && named.status == 0, "\(plain)\n\(named)")
            #expect(scratch.files(under: "out").sorted() == ["camera 2-1.png", "stdin-1.png"])
            _ = try scratch.write("times.txt", Array("1\n".utf8))
            _ = try scratch.write("list.txt", Array("\(bframesPath)\n".utf8))
            // A list's line - is standard input too, under the same rules.
            _ = try scratch.write("stdin.txt", Array("# the pipe\n\(bframesPath)\n-\n".utf8))
            _ = try scratch.write("twice.txt", Array("-\n-\n".utf8))
            let listed = try scratch.run(["--inputs-from", "stdin.txt", "-t", "1", "-o", "listed/", "--name", "cam"], stdin: bytes)
            #expect(listed.status == 0 && scratch.files(under: "listed").sorted() == ["cam-1.png", "h264-bframes-1.png"], "\(listed)")
            #expect(scratch.bytes("listed/cam-1.png") != nil && scratch.bytes("listed/cam-1.png") == scratch.bytes("out/stdin-1.png"), "the list's - is the video piped in")
            for arguments in [["-", "-", "-t", "1"], ["-", "--inputs-from", "-", "-t", "1"], ["-", "--times-file", "-"],
                              [bframesPath, "-t", "1", "--name", "x"], ["sheet", bframesPath, "--name", "x"],
                              ["poster", "-", "-"], ["-", "--inputs-from", "stdin.txt", "-t", "1"], ["--inputs-from", "twice.txt", "-t", "1"],
                              ["--inputs-from", "stdin.txt", "--times-file", "-"], ["--inputs-from", "list.txt", "-t", "1", "--name", "x"]] {
                let result = try scratch.run(arguments + ["-o", "usage/"], stdin: bytes)
                #expect(result.status == 64, "\(arguments)\n\(result)")
            }
            // A list read from standard input cannot name standard input.
            let fromPipe = try scratch.run(["--inputs-from", "-", "-t", "1", "-o", "usage/"], stdin: Data("\(bframesPath)\n-\n".utf8))
            #expect(fromPipe.status == 64 && fromPipe.stderr.contains("--inputs-from -"), "\(fromPipe)")
            #expect(scratch.files(under: "usage").isEmpty)
        }
    }

    /// Sheets, storyboards, posters, shots and probe read a pipe too: the same sheet and storyboard bytes, a
    /// poster that is the frame it names, the same shots and the same description as from the file.
    @Test func everyCommandReadsStandardInput() throws {
        try Scratch.with { scratch in
            try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "clip.mkv"], in: scratch.url)
            let bytes = try Data(contentsOf: scratch.url("clip.mkv"))
            for (command, name) in [(["sheet", "--count", "6", "--no-header"], "/{name}.png"), (["storyboard", "--every", "0.5"], "")] {
                let file = try scratch.run(command + ["clip.mkv", "-o", "file-\(command[0])" + name])
                let piped = try scratch.run(command + ["-", "--name", "clip.mkv", "-o", "piped-\(command[0])" + name], stdin: bytes)
                #expect(file.status == 0 && piped.status == 0, "\(file)\n\(piped)")
                let expected = try URLInputTests.contents(scratch, "file-\(command[0])")
                let fromPipe = try URLInputTests.contents(scratch, "piped-\(command[0])")
                #expect(!expected.isEmpty && fromPipe == expected, "\(command[0])")
            }
            // A poster in one pass: exactly the frame at the time it names, as the file gives it.
            let poster = try scratch.run(["poster", "-", "-o", "poster.png", "--json"], stdin: bytes)
            let chosen = jsonRecords(poster).first
            #expect(poster.status == 0 && chosen?.input == "stdin" && chosen?.actual != nil, "\(poster)")
            if let actual = chosen?.actual {
                let still = try scratch.run(["clip.mkv", "-t", String(actual), "-o", "still.png"])
                let (posterBytes, stillBytes) = (try Data(contentsOf: scratch.url("poster.png")), try Data(contentsOf: scratch.url("still.png")))
                #expect(still.status == 0 && posterBytes == stillBytes, "\(still)")
            }
            let fileShots = try scratch.run(["shots", "clip.mkv", "--json"])
            let pipedShots = try scratch.run(["shots", "-", "--json"], stdin: bytes)
            #expect(fileShots.status == 0 && pipedShots.status == 0, "\(fileShots)\n\(pipedShots)")
            #expect(fileShots.stdout.replacingOccurrences(of: "clip.mkv", with: "stdin") == pipedShots.stdout && !pipedShots.stdout.isEmpty)
            let probe = try scratch.run(["probe", "-", "--json", "--keyframes"], stdin: bytes)
            let fileProbe = try scratch.run(["probe", "clip.mkv", "--json", "--keyframes"])
            #expect(probe.status == 0 && fileProbe.status == 0, "\(probe)\n\(fileProbe)")
            #expect(probe.stdout.replacingOccurrences(of: "\"stdin\"", with: "\"clip.mkv\"") == fileProbe.stdout, "\(probe)\n\(fileProbe)")
            let tsProbe = try scratch.run(["probe", "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts"))))
            #expect(tsProbe.status == 0 && tsProbe.stdout.contains("duration: unknown"), "\(tsProbe)")
        }
    }

    /// A writer that stalls is given up at `--timeout`, as a stalled server is: reads from the pipe do not block.
    @Test func aStalledPipeEndsAtTheTimeout() throws {
        try Scratch.with { scratch in
            try FFmpegTool.run(["-i", bframesPath, "-map", "0:v", "-c", "copy", "clip.ts"], in: scratch.url)
            let result = try Framegrab.runInBash("""
                (head -c 40000 clip.ts; sleep 20) | { "$FRAMEGRAB" - -t 5 -o out.png --timeout 2 --json; echo "status $?" > ended; date +%s.%N >> ended; }
                """, in: scratch.url, timeout: 60)
            let lines = CommandResult.lines(try String(contentsOf: scratch.url("ended"), encoding: .utf8))
            let ended = lines.last.flatMap(Double.init)
            #expect(lines.contains("status 1"), "\(result)")
            #expect(jsonRecords(result).first?.code == "timedOut", "\(result)")
            #expect(ended.map { $0 < Date().timeIntervalSince1970 - 10 } == true, "framegrab ended long before the writer: \(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out.png")))
        }
    }
}
