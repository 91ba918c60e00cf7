import Foundation
import FrameGrab
import TestSupport
import Testing

/// `--skip-blank` from the built binary, on the shot video (`ShotVideos`): black frames 0-9 and 285-296, a
/// white flash at 85, 25 frames a second.
@Suite struct SkipBlankTests {
    /// The JSON lines of `framegrab VIDEO arguments --json -o DIR/`, in request order (lines come as
    /// images are written).
    func grab(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let video = try ShotVideos.path.get()
        return try Scratch.with { scratch in
            let result = try scratch.run([video, "--json", "-o", scratch.path("out") + "/"] + arguments)
            #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            return result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
        }
    }

    static func frame(_ object: [String: Any]) -> Int? {
        (object["actual"] as? Double).map { Int(($0 * Double(ShotVideos.frameRate)).rounded()) }
    }

    @Test func aBlankFrameMovesForwardToTheFirstFrameWithAPicture() throws {
        let lines = try grab(["-t", "0.1", "-t", "3.41", "-t", "11.5", "--skip-blank"])
        #expect(lines.map(Self.frame) == [10, 86, 297], "\(lines)")
        #expect(lines.allSatisfy { $0["moved"] as? String == "blank" && $0["blank"] == nil }, "\(lines)")
    }

    @Test func itNeverLeavesTheWindowAndSearchesBackwardWhenNothingIsAhead() throws {
        // 11.3-11.7 s: black ahead up to 11.7; frame 283 (11.32 s), before the time, has a picture.
        let back = try grab(["-t", "11.5", "--skip-blank", "--skip-blank-window", "0.2"])
        #expect(back.map(Self.frame) == [283], "\(back)")
        #expect(back.first?["moved"] as? String == "blank")
        // Nothing but black in 11.5-11.7 s: the frame at the time, said to be blank.
        let kept = try grab(["-t", "11.6", "--skip-blank", "--skip-blank-window", "0.1"])
        #expect(kept.map(Self.frame) == [290], "\(kept)")
        #expect(kept.first?["blank"] as? Bool == true && kept.first?["moved"] == nil, "\(kept)")
    }

    @Test func countTimesKeepToTheirSlices() throws {
        // 41 slices of 0.4 s (10 frames): the first is black all through (frames 0-9), and stays in its slice.
        let lines = try grab(["--count", "41", "--skip-blank"])
        #expect(lines.count == 41)
        let first = try #require(lines.first)
        #expect(Self.frame(first).map { (0..<10).contains($0) } == true && first["blank"] as? Bool == true, "\(first)")
        for line in lines {
            let slice = try #require(line["index"] as? Int) - 1, frame = try #require(Self.frame(line))
            #expect((slice * 10..<(slice + 1) * 10).contains(frame), "slice \(slice) answered with frame \(frame)")
        }
    }

    @Test func aFrameWithAPictureIsTheSameImageAsWithout() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let plain = try scratch.run([video, "-t", "5", "-t", "9", "--json", "-o", scratch.path("plain") + "/"])
            let skipping = try scratch.run([video, "-t", "5", "-t", "9", "--json", "--skip-blank", "-o", scratch.path("skip") + "/"])
            #expect(plain.status == 0 && skipping.status == 0)
            // (Lines come as results are made: their order may differ between runs.)
            #expect(plain.stdoutLines.sorted() == skipping.stdout.replacingOccurrences(of: "/skip/", with: "/plain/")
                        .split(separator: "\n").map(String.init).sorted(),
                    "the same lines, no moved or blank field\n\(plain)\n\(skipping)")
            let names = scratch.files(under: "plain")
            #expect(names.count == 2 && names == scratch.files(under: "skip"), "\(names)")
            for name in names {
                let a = try Data(contentsOf: scratch.url("plain/\(name)")), b = try Data(contentsOf: scratch.url("skip/\(name)"))
                #expect(a == b, "\(name) differs with --skip-blank")
            }
            #expect(!plain.stdout.contains("\"moved\"") && !plain.stdout.contains("\"blank\""))
        }
    }

    @Test func sheetTilesMoveAndSaySo() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let result = try scratch.run(["sheet", video, "-t", "0.1", "-t", "5", "--skip-blank", "--json", "-o", scratch.path("s.png")])
            #expect(result.status == 0, "\(result)")
            let object = try #require(result.stdoutLines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            let tiles = try #require(object["tiles"] as? [[String: Any]])
            #expect(tiles.map(Self.frame) == [10, 125], "\(tiles)")
            #expect(tiles.first?["moved"] as? String == "blank" && tiles.last?["moved"] == nil, "\(tiles)")
        }
    }

    @Test func theWindowNeedsTheFlag() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path("h264-bframes.mp4"), "-t", "1", "--skip-blank-window", "2"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("--skip-blank-window needs --skip-blank"), "\(result)")
        }
    }
}
