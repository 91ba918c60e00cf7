import Foundation
import TestSupport
import Testing

/// `framegrab shots` from the built binary, on the video the tests build from clips joined with known cuts
/// (`ShotVideos`).
@Suite struct ShotsCommandTests {
    @Test(arguments: ["320x180", "1280x720"])
    func everyCutOnItsFrameAndNoOtherShot(size: String) throws {
        let video = try (size == "320x180" ? ShotVideos.path : ShotVideos.largePath).get()
        try Scratch.with { scratch in
            let result = try scratch.run(["shots", "--json", video])
            #expect(result.status == 0, "\(result)")
            let objects = result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects.count == result.stdoutLines.count && !objects.isEmpty, "one JSON object per line\n\(result)")
            // The summary that ends the output counts the shots.
            let summary = try #require(result.jsonSummary.flatMap(summaryObject), "\(result)")
            #expect(summary["shots"] as? Int == objects.count && summary["files"] as? Int == 1 && summary["failed"] as? Int == 0, "\(summary)")
            // The keys, in the documented order.
            for line in result.stdoutLines {
                let keys = ["input", "shot", "start", "end"].compactMap { line.range(of: "\"\($0)\":")?.lowerBound }
                #expect(keys.count == 4 && keys == keys.sorted(), "\(line)")
            }
            let starts = objects.compactMap { $0["start"] as? Double }
            let frames = starts.map { Int(($0 * Double(ShotVideos.frameRate)).rounded()) }
            #expect(ShotVideos.matches(frames), "shots start at frames \(frames), expected \(ShotVideos.starts)\n\(result)")
            // A start is the exact time of its frame, numbered from 1, and each shot ends where the next starts;
            // the last ends with the video.
            for (index, object) in objects.enumerated() {
                #expect(object["input"] as? String == video)
                #expect(object["shot"] as? Int == index + 1)
                if let start = object["start"] as? Double {
                    #expect(abs(start * Double(ShotVideos.frameRate) - (start * Double(ShotVideos.frameRate)).rounded()) < 1e-9, "\(start)")
                }
                let end = object["end"] as? Double
                if index + 1 < objects.count {
                    #expect(end == objects[index + 1]["start"] as? Double, "\(objects)")
                } else {
                    #expect(end == Double(ShotVideos.frameCount) / Double(ShotVideos.frameRate), "\(objects)")
                }
            }
        }
    }

    @Test func plainLinesAndAFailedInputAmongGoodOnes() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let result = try scratch.run(["shots", scratch.path("missing.mp4"), video])
            #expect(result.status == 1, "a failed input makes the exit status 1\n\(result)")
            #expect(result.stderr.contains("missing.mp4: no such file"), "\(result)")
            #expect(result.stdoutLines.first == "\(video): shot 1 0–2.4", "\(result)")
            #expect(result.stdoutLines.count >= ShotVideos.starts.count, "the good input is still read\n\(result)")
        }
    }

    @Test func aFolderIsWalkedAndWhatIsNotVideoLeftOut() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("in/sub"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: video, toPath: scratch.path("in/sub/a.mp4"))
            _ = try scratch.write("in/notes.txt", Array("not a video".utf8))
            let flat = try scratch.run(["shots", scratch.path("in")])
            #expect(flat.status == 0 && flat.stdoutLines.isEmpty, "without -r the subfolder is not walked\n\(flat)")
            let result = try scratch.run(["shots", "-r", scratch.path("in")])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines.count == ShotVideos.starts.count && result.stdoutLines.allSatisfy { $0.contains("sub/a.mp4: shot ") }, "\(result)")
            #expect(result.stderr.contains("notes.txt: not a video, left out"), "\(result)")
        }
    }

    @Test func severalInputsAtOnceInShardsWithASummary() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("in"), withIntermediateDirectories: true)
            for name in ["a", "b", "c"] { try FileManager.default.copyItem(atPath: video, toPath: scratch.path("in/\(name).mp4")) }
            try FileManager.default.copyItem(atPath: Fixtures.path("h264-bframes.mp4"), toPath: scratch.path("in/d.mp4"))
            let all = try scratch.run(["shots", scratch.path("in"), "--jobs", "3"])
            #expect(all.status == 0, "\(all)")
            // Each input's lines are its shots in order, whatever the interleaving of the inputs.
            func shots(_ result: CommandResult, of name: String) -> [String] {
                result.stdoutLines.filter { $0.hasPrefix(scratch.path("in/\(name).mp4") + ": ") }
            }
            let alone = try scratch.run(["shots", scratch.path("in/a.mp4")])
            for name in ["a", "b", "c"] {
                #expect(shots(all, of: name).map { $0.replacingOccurrences(of: "/\(name).mp4", with: "/a.mp4") } == alone.stdoutLines, "\(name)\n\(all)")
            }
            #expect(shots(all, of: "d").count >= 1, "\(all)")
            let total = all.stdoutLines.count
            #expect(all.summaryLine?.hasPrefix("framegrab: \(total) shots, 0 failed (4 files, ") == true, "the summary counts shots and files\n\(all)")
            // Two shards together hold every input once.
            let first = try scratch.run(["shots", scratch.path("in"), "--shard", "1/2", "-q"])
            let second = try scratch.run(["shots", scratch.path("in"), "--shard", "2/2", "-q"])
            #expect(first.status == 0 && second.status == 0 && first.summaryLine == nil, "\(first)\n\(second)")
            #expect((first.stdoutLines + second.stdoutLines).sorted() == all.stdoutLines.sorted(), "\(first)\n\(second)")
            #expect(!first.stdoutLines.isEmpty && !second.stdoutLines.isEmpty)
        }
    }

    @Test func aFailedInputInJSONHasItsCode() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["shots", "--json", scratch.path("missing.mp4")])
            #expect(result.status == 1)
            let object = try #require(result.stdoutLines.first.flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }, "\(result)")
            #expect(object["code"] as? String == "notFound", "\(object)")
        }
    }

    // MARK: --shots, a time source of grab and sheet

    /// Frames that carry no picture in the shot video: the black opening, the flash, the black gap.
    static let blankFrames = Set(0..<10).union([ShotVideos.flash]).union(285...296)

    static func frame(_ seconds: Double?) -> Int? { seconds.map { Int(($0 * Double(ShotVideos.frameRate)).rounded()) } }

    @Test func grabTakesOneStillPerShotInsideItAndNotBlank() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let result = try scratch.run([video, "--shots", "-t", "5", "--json", "-o", scratch.path("out") + "/"])
            #expect(result.status == 0, "\(result)")
            let lines = result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
            // -t 5 first, then one per shot.
            #expect(lines.count == 1 + ShotVideos.starts.count, "\(result)")
            #expect(lines.first?["shot"] == nil && Self.frame(lines.first?["actual"] as? Double) == 125)
            let starts = ShotVideos.starts.map { Double($0) / Double(ShotVideos.frameRate) }
            for (offset, line) in lines.dropFirst().enumerated() {
                let start = try #require(line["start"] as? Double), end = try #require(line["end"] as? Double)
                let actual = try #require(Self.frame(line["actual"] as? Double))
                #expect(line["shot"] as? Int == offset + 1, "\(line)")
                #expect(abs(start - starts[offset]) < 1e-9, "\(line)")
                #expect(actual >= Self.frame(start)! && actual < Self.frame(end)!, "the still is inside its shot: \(line)")
                #expect(!Self.blankFrames.contains(actual), "the still of shot \(offset + 1) is a blank frame: \(line)")
            }
            #expect(scratch.files(under: "out").count == 1 + ShotVideos.starts.count)
        }
    }

    @Test func aSheetOfTheShotsHasATileEach() throws {
        let video = try ShotVideos.path.get()
        try Scratch.with { scratch in
            let result = try scratch.run(["sheet", video, "--shots", "--json", "-o", scratch.path("sheet.png")])
            #expect(result.status == 0, "\(result)")
            let object = try #require(result.stdoutLines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            let tiles = try #require(object["tiles"] as? [[String: Any]])
            #expect(tiles.compactMap { $0["shot"] as? Int } == Array(1...ShotVideos.starts.count), "\(tiles)")
            for tile in tiles {
                let actual = try #require(Self.frame(tile["actual"] as? Double))
                #expect(!Self.blankFrames.contains(actual) && actual >= Self.frame(tile["start"] as? Double)!, "\(tile)")
            }
        }
    }
}
