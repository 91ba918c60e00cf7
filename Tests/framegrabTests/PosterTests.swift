import Foundation
import FrameGrab
import TestSupport
import Testing

/// `framegrab poster` from the built binary.
@Suite struct PosterTests {
    static func json(_ result: CommandResult) -> [[String: Any]] {
        result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func thePosterIsAFrameOfTheContentAndExactlyThatFrame() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let result = try scratch.run(["poster", video, Fixtures.path("h264-bframes.mp4"), "--json", "-o", scratch.path("p") + "/"])
            #expect(result.status == 0, "\(result)")
            let lines = Self.json(result)
            #expect(lines.count == 2, "\(result)")
            for line in lines {
                for key in ["input", "path", "actual", "width", "height", "score"] { #expect(line[key] != nil, "\(key) in \(line)") }
                let score = try #require(line["score"] as? [String: Any])
                for key in ["sharpness", "typicality", "total"] {
                    let value = try #require(score[key] as? Double)
                    #expect((0...1).contains(value), "\(key) \(value)")
                }
                #expect((score["candidates"] as? Int ?? 0) >= 10, "\(score)")
            }
            // Not blank: none of the shot video's black, flash or fade-to-black frames. (Lines come as inputs
            // finish: the shot video's is found by its input, not by its place.)
            let line = try #require(lines.first { $0["input"] as? String == video }, "\(result)")
            let actual = try #require(line["actual"] as? Double)
            let frame = Int((actual * Double(ShotVideos.frameRate)).rounded())
            #expect(!Set(0..<10).union([ShotVideos.flash]).union(284...296).contains(frame), "the poster is frame \(frame)")
            // Exactly the frame at its time: the same bytes as a still of that time.
            let still = try scratch.run([video, "-t", String(actual), "-o", scratch.path("still.png")])
            #expect(still.status == 0, "\(still)")
            let poster = try Data(contentsOf: scratch.url("p/shots-poster.png")), again = try Data(contentsOf: scratch.url("still.png"))
            #expect(poster == again, "the poster differs from the still at its time")
        }
    }

    @Test func sizeFormatAndAFailedInputAmongGoodOnes() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["poster", scratch.path("missing.mp4"), Fixtures.path("h264-bframes.mp4"),
                                          "--max-size", "100x0", "-o", scratch.path("{name}.jpg"), "--json"])
            #expect(result.status == 1, "\(result)")
            let lines = Self.json(result)
            #expect(lines.contains { $0["code"] as? String == "notFound" }, "\(result)")
            let written = try #require(lines.first { $0["path"] != nil })
            #expect(written["width"] as? Int == 100 && (written["path"] as? String)?.hasSuffix("h264-bframes.jpg") == true, "\(written)")
            let bytes = try [UInt8](Data(contentsOf: scratch.url("h264-bframes.jpg")))
            #expect(bytes.prefix(2) == [0xFF, 0xD8], "a JPEG file")
        }
    }

    @Test func aBatchRunSkipsWhatIsWrittenRefusesCollisionsAndSplitsInShards() throws {
        try Scratch.with { scratch in
            let inputs = [Fixtures.path("h264-bframes.mp4"), Fixtures.path("vp9.webm"), Fixtures.path("mpeg1.m1v")]
            let first = try scratch.run(["poster"] + inputs + ["-o", scratch.path("p") + "/", "--jobs", "2", "--json"])
            #expect(first.status == 0, "\(first)")
            let summary = try #require(first.jsonSummary.flatMap(summaryObject), "\(first)")
            #expect(summary["written"] as? Int == 3 && summary["files"] as? Int == 3, "\(summary)")
            let names = ["h264-bframes-poster.png", "vp9-poster.png", "mpeg1-poster.png"]
            let bytes = try names.map { try Data(contentsOf: scratch.url("p/\($0)")) }
            // Written again alone: the same bytes, whatever --jobs.
            let alone = try scratch.run(["poster", inputs[1], "-o", scratch.path("q") + "/", "--jobs", "1", "-q"])
            #expect(alone.status == 0 && alone.summaryLine == nil, "--quiet: no summary\n\(alone)")
            #expect(try Data(contentsOf: scratch.url("q/vp9-poster.png")) == bytes[1])
            // --skip-existing: the complete posters are not made again; a truncated one is.
            let truncated = bytes[2].prefix(bytes[2].count / 2)
            try truncated.write(to: scratch.url("p/mpeg1-poster.png"))
            let again = try scratch.run(["poster"] + inputs + ["-o", scratch.path("p") + "/", "--skip-existing"])
            #expect(again.status == 0, "\(again)")
            #expect(again.summaryLine?.hasPrefix("framegrab: 1 written, 0 failed, 2 skipped (3 files, ") == true, "\(again)")
            #expect(try Data(contentsOf: scratch.url("p/mpeg1-poster.png")) == bytes[2], "the truncated poster is made again")
            // --shard: two halves write every poster once.
            let half = try scratch.run(["poster"] + inputs + ["-o", scratch.path("s") + "/", "--shard", "1/2"])
            let other = try scratch.run(["poster"] + inputs + ["-o", scratch.path("s") + "/", "--shard", "2/2"])
            #expect(half.stdoutLines.count + other.stdoutLines.count == 3 && half.status == 0 && other.status == 0, "\(half)\n\(other)")
            #expect(try names.map { try Data(contentsOf: scratch.url("s/\($0)")) } == bytes)
            // Two inputs named alike would write one file: refused before anything is decoded.
            try FileManager.default.createDirectory(at: scratch.url("other"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: inputs[0], toPath: scratch.path("other/h264-bframes.mp4"))
            let clash = try scratch.run(["poster", inputs[0], scratch.path("other/h264-bframes.mp4"), "-o", scratch.path("c") + "/"])
            #expect(clash.status == 64 && clash.stderr.contains("would be written for both"), "\(clash)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("c")))
        }
    }
}
