import Foundation
import FrameGrab
import FrameGrabCommand
import TestSupport
import Testing

/// `--inputs-from`: inputs listed in a file or a pipe, for runs over more files than a command line holds.
@Suite struct InputListTests {
    /// 10,000 lines through a pipe: the videos of `VideoTree`, its two files that are not video, and missing
    /// paths between them, with comments and empty lines; one more video named on the command line. Every
    /// video gets its frame, every other line fails alone with its code, and the run ends with status 1.
    @Test func tenThousandLinesThroughAPipe() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let videos = VideoTree.videos.map { "in/" + $0.path }
            var lines = ["# made by find", ""]
            var missing: [String] = []
            var listed: [String] = []
            var nextVideo = 0
            for n in 0..<9_990 {
                if n % 1_000 == 500, nextVideo < videos.count {
                    listed.append(videos[nextVideo])
                    lines.append("  " + videos[nextVideo] + "  ")
                    nextVideo += 1
                }
                if n == 4_000 || n == 8_000 { let odd = VideoTree.notVideo[n / 4_000 - 1]; listed.append("in/" + odd); lines.append("in/" + odd) }
                let path = "gone/take-\(n).mp4"
                missing.append(path)
                listed.append(path)
                lines.append(path + (n % 2 == 0 ? "\r" : ""))
                if n % 3_000 == 0 { lines.append("# a comment line") }
            }
            #expect(lines.count >= 10_000)
            let argument = scratch.path("extra.mp4")
            try FileManager.default.copyItem(atPath: bframesPath, toPath: argument)
            let result = try scratch.run(["extra.mp4", "--inputs-from", "-", "-t", "1", "-o", "out/{name}.png", "--json", "--jobs", "4"],
                                         stdin: Data(lines.joined(separator: "\n").utf8), timeout: 300)
            #expect(result.status == 1, "missing and unreadable listed files fail their input alone\n\(result.stderr.suffix(2000))")
            let records = jsonRecords(result)
            #expect(records.map { $0.input ?? "" }.sorted() == (["extra.mp4"] + listed).sorted(), "one record per input")
            let images = records.filter(\.isImage)
            #expect(images.compactMap(\.input).sorted() == (["extra.mp4"] + videos).sorted())
            for record in images {
                guard let input = record.input, let path = record.path else { continue }
                let fixture = input == "extra.mp4" ? bframesName : try #require(VideoTree.fixture(of: "/" + input))
                let video = Fixtures.video(fixture)
                expectShows(decodePNG(scratch.url(path)), frame: video.frameShown(at: MediaTime(value: 1, timescale: 1)),
                            orientation: video.displayOrientation, input)
            }
            let failures = Dictionary(grouping: records.filter { $0.code != nil }, by: { $0.code! })
            #expect(failures["notFound"]?.compactMap(\.input).sorted() == missing.sorted(), "each missing path is a notFound failure")
            #expect(failures.values.map(\.count).reduce(0, +) == missing.count + VideoTree.notVideo.count, "\(failures.keys)")
            let summary = try #require(result.jsonSummary.flatMap(summaryObject))
            #expect(summary["written"] as? Int == videos.count + 1 && summary["failed"] as? Int == missing.count + 2, "\(summary)")
        }
    }

    /// A list file combines with `--shard` (slices of the whole list) and `--skip-existing`.
    @Test func aListFileInShardsAndResumed() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let videos = VideoTree.videos.map { "in/" + $0.path }
            _ = try scratch.write("list.txt", Array((videos.joined(separator: "\n") + "\n").utf8))
            var seen: [String] = []
            for k in 1...2 {
                let result = try scratch.run(["--inputs-from", "list.txt", "-t", "1", "--shard", "\(k)/2", "-o", "out/{name}.png", "--json"])
                #expect(result.status == 0, "\(result)")
                seen += jsonRecords(result).compactMap(\.input)
            }
            #expect(seen.sorted() == videos.sorted(), "the two shards hold every listed input once")
            let again = try scratch.run(["--inputs-from", "list.txt", "-t", "1", "-o", "out/{name}.png", "--skip-existing"])
            #expect(again.status == 0 && again.summaryLine?.contains("0 written, 0 failed, \(videos.count) skipped") == true, "\(again)")
        }
    }

    /// Every command over inputs reads a list: sheet, storyboard, poster, shots and probe.
    @Test(arguments: [["sheet", "-o", "out/"], ["storyboard", "-o", "out/"], ["poster", "-o", "out/"], ["shots", "--json"], ["probe", "--json"]])
    func everyCommandReadsAList(command: [String]) throws {
        try Scratch.with { scratch in
            _ = try scratch.write("list.txt", Array("# one video\n\(bframesPath)\n".utf8))
            let result = try scratch.run(command + ["--inputs-from", "list.txt"])
            #expect(result.status == 0, "\(result)")
            let said = command.contains("--json") ? result.stdout : scratch.files(under: "out").joined(separator: " ")
            #expect(said.contains("h264-bframes"), "\(result)")
        }
    }

    @Test func whatIsAUsageErrorAndWhatIsNot() throws {
        try Scratch.with { scratch in
            let none = try scratch.run(["-t", "1"])
            #expect(none.status == 64 && none.stderr.contains("--inputs-from"), "no input at all\n\(none)")
            let unreadable = try scratch.run(["--inputs-from", "no-such-list.txt", "-t", "1"])
            #expect(unreadable.status == 64 && unreadable.stderr.contains("Cannot read the input list no-such-list.txt"), "\(unreadable)")
            let both = try scratch.run(["--inputs-from", "-", "--times-file", "-"], stdin: Data())
            #expect(both.status == 64 && both.stderr.contains("standard input"), "\(both)")
            let toStdout = try scratch.run(["--inputs-from", "-", "-t", "1", "-o", "-"], stdin: Data(bframesPath.utf8))
            #expect(toStdout.status == 64, "\(toStdout)")
            // A list that names nothing (find found nothing) is a run over nothing, not an error.
            let empty = try scratch.run(["--inputs-from", "-", "-t", "1", "-o", "out/"], stdin: Data("# nothing today\n\n".utf8))
            #expect(empty.status == 0 && empty.summaryLine?.hasPrefix("framegrab: 0 written, 0 failed, 0 skipped") == true, "\(empty)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }

    @Test func parsingTrimsAndSkipsCommentsAndEmptyLines() {
        #expect(InputList.parse("a.mp4\r\n  # note\n\n b c.mkv \nhttps://h/x.mp4#t=1\n") == ["a.mp4", "b c.mkv", "https://h/x.mp4#t=1"])
    }
}
