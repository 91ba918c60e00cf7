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
            // Not blank: none of the shot video's black, flash or fade-to-black frames.
            let actual = try #require(lines.first?["actual"] as? Double)
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
}
