import Foundation
import FrameGrab
import TestSupport
import Testing

/// A folder of videos as people keep them: nested folders, a file that is not video (one of them named
/// like a video), a video with an unusual extension, a hidden folder and a link looping back up.
///
///     in/Z.ts                 h264-offset.ts
///     in/a/deep/clip.dat      anamorphic.mp4 (video, whatever the extension says)
///     in/a/deep/loop -> ../.. (a link back to in/)
///     in/a/deep/vp9.webm
///     in/a/fake.mp4           text (not video, whatever the extension says)
///     in/a/h264.mp4           h264-bframes.mp4
///     in/a/notes.txt          text
///     in/b.mkv                vfr.mkv
///     in/.hidden/x.mp4        left out (hidden)
struct VideoTree {
    /// The videos in processing order (sorted by bytes at each level), relative to `in/`, with their fixture.
    static let videos: [(path: String, fixture: String)] = [
        ("Z.ts", "h264-offset.ts"), ("a/deep/clip.dat", "anamorphic.mp4"), ("a/deep/vp9.webm", "vp9.webm"),
        ("a/h264.mp4", "h264-bframes.mp4"), ("b.mkv", "vfr.mkv"),
    ]
    static let notVideo = ["a/fake.mp4", "a/notes.txt"]

    static func make(in scratch: Scratch, root: String = "in") throws {
        let manager = FileManager.default
        for (path, fixture) in videos + [(".hidden/x.mp4", "h264-bframes.mp4")] {
            let destination = scratch.url("\(root)/\(path)")
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(atPath: Fixtures.path(fixture), toPath: destination.path)
        }
        try scratch.write("\(root)/a/fake.mp4", Array("this is not a movie\n".utf8))
        try scratch.write("\(root)/a/notes.txt", Array(String(repeating: "shot list: harbour, dawn, wide\n", count: 100).utf8))
        try manager.createSymbolicLink(atPath: scratch.path("\(root)/a/deep/loop"), withDestinationPath: "../..")
    }

    static func fixture(of input: String) -> String? {
        videos.first { input.hasSuffix("/" + $0.path) }?.fixture
    }
}

@Suite struct FolderInputTests {
    @Test func recursiveWalkFindsVideosByContentAndMirrorsTheTree() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let result = try scratch.run(["in", "--recursive", "-t", "1", "-o", "out/{dir}/{name}.png", "--json", "--jobs", "1"])
            #expect(result.status == 0, "files that are not video do not fail the run\n\(result)")
            let records = jsonRecords(result)
            let notVideo = records.filter { $0.code == "notVideo" }
            #expect(notVideo.map(\.input) == VideoTree.notVideo.map { "in/" + $0 }, "each reported once, in order\n\(result)")
            #expect(records.filter { $0.code != nil && $0.code != "notVideo" }.isEmpty, "\(result)")
            let images = records.filter(\.isImage)
            #expect(images.map(\.input) == VideoTree.videos.map { "in/" + $0.path }, "sorted order\n\(result)")
            let expected = ["Z.png", "a/deep/clip.png", "a/deep/vp9.png", "a/h264.png", "b.png"]
            #expect(scratch.files(under: "out") == expected)
            let decoded = scratch.expectOnlyPNGs(under: "out")
            for (file, (_, fixture)) in zip(expected, VideoTree.videos) {
                let video = Fixtures.video(fixture)
                expectShows(decoded[file], frame: video.frameShown(at: MediaTime(value: 1, timescale: 1)),
                            orientation: video.displayOrientation, file)
            }
            let summary = try #require(result.jsonSummary.flatMap(summaryObject))
            #expect(summary["files"] as? Int == 5 && summary["written"] as? Int == 5 && summary["notVideo"] as? Int == 2
                    && summary["failed"] as? Int == 0 && summary["skipped"] as? Int == 0, "\(result)")
        }
    }

    @Test func withoutRecursiveOnlyTheTopFolder() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let result = try scratch.run(["in", "-t", "1", "-o", "out/", "--jobs", "1"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["out/Z-1.png", "out/b-1.png"], "\(result)")
            #expect(result.stderr == "", "no notVideo: the text files are in subfolders\n\(result)")
        }
    }

    @Test func plainModeSaysOnceWhatIsNotVideo() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let result = try scratch.run(["in", "-r", "-t", "1", "-o", "out/{dir}/{name}.png"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrLines.count == 2, "\(result)")
            for name in VideoTree.notVideo {
                #expect(result.stderrLines.filter { $0.hasPrefix("framegrab: in/\(name): not a video") }.count == 1, "\(result)")
            }
            #expect(result.summaryLine?.contains("5 written, 0 failed, 0 skipped, 2 not video") == true, "\(result)")
        }
    }

    /// FFmpeg reads a PNG as a one-frame video; in a folder of videos it is a picture, not a video (so a rerun
    /// with the images written next to the videos does not grab stills of stills).
    @Test func stillPicturesInAFolderAreNotVideo() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("in"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("in/movie.mp4"))
            let first = try scratch.run(["in", "-t", "1", "-o", "in/{name}-still.png"])
            #expect(first.status == 0 && first.stdoutLines == ["in/movie-still.png"], "\(first)")
            let second = try scratch.run(["in", "-t", "2", "-o", "out/", "--json"])
            #expect(second.status == 0, "\(second)")
            let records = jsonRecords(second)
            #expect(records.filter(\.isImage).map(\.path) == ["out/movie-1.png"], "\(second)")
            let note = records.first { $0.code == "notVideo" }
            #expect(note?.input == "in/movie-still.png" && note?.error?.contains("still image") == true, "\(second)")
        }
    }

    /// A file named on the command line is meant to be video: failing to read it is a failure.
    @Test func anExplicitNonVideoFileFails() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let result = try scratch.run(["in/a/notes.txt", "in/a/h264.mp4", "-t", "1", "-o", "out/", "--json"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.first { $0.input == "in/a/notes.txt" }?.code == "invalidData", "\(result)")
            #expect(records.filter(\.isImage).map(\.path) == ["out/h264-1.png"], "\(result)")
        }
    }

    @Test func aLinkLoopDoesNotHang() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            try FileManager.default.createSymbolicLink(atPath: scratch.path("in/a/self"), withDestinationPath: ".")
            let result = try scratch.run(["in", "-r", "-t", "1", "-o", "out/{dir}/{name}.png", "--json"], timeout: 30)
            #expect(result.status == 0, "\(result)")
            #expect(jsonRecords(result).filter(\.isImage).count == VideoTree.videos.count, "each folder walked once\n\(result)")
        }
    }

    @Test func sameNamesInDifferentFoldersCollideWithoutDir() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("in/a/deep/h264.mp4"))
            let result = try scratch.run(["in", "-r", "-t", "1", "-o", "out/{name}.png"])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("out/h264.png would be written twice"), "\(result)")
            #expect(result.stderr.contains("in/a/deep/h264.mp4") && result.stderr.contains("in/a/h264.mp4"), "\(result)")
            #expect(scratch.files(under: "out").isEmpty)
            let mirrored = try scratch.run(["in", "-r", "-t", "1", "-o", "out/{dir}/{name}.png"])
            #expect(mirrored.status == 0, "\(mirrored)")
        }
    }

    /// The order of the work is a property of the tree, not of timing: two runs agree, and --jobs 1 and
    /// --jobs 4 write identical files.
    @Test func jobsDoNotChangeTheResult() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            let arguments = ["in", "-r", "--count", "3", "-t", "50%", "--json"]
            let one = try scratch.run(arguments + ["-o", "one/{dir}/{name}-{index}.png", "--jobs", "1"])
            let again = try scratch.run(arguments + ["-o", "again/{dir}/{name}-{index}.png", "--jobs", "1"])
            let four = try scratch.run(arguments + ["-o", "four/{dir}/{name}-{index}.png", "--jobs", "4"])
            for result in [one, again, four] { #expect(result.status == 0, "\(result)") }
            func inputOrder(_ result: CommandResult) -> [String] {
                var order: [String] = []
                for record in jsonRecords(result) where order.last != record.input { order.append(record.input ?? "?") }
                return order
            }
            // Every file in the order of the walk; one that is not video is said when its turn comes.
            #expect(inputOrder(one) == (VideoTree.notVideo + VideoTree.videos.map(\.path)).map { "in/" + $0 }.sorted(), "\(one)")
            #expect(inputOrder(one) == inputOrder(again))
            #expect(Set(four.stdoutLines.map { $0.replacingOccurrences(of: "four/", with: "one/") }) == Set(one.stdoutLines))
            let files = scratch.files(under: "one")
            #expect(files.count == VideoTree.videos.count * 4)
            #expect(scratch.files(under: "four") == files)
            for file in files {
                let a = FileManager.default.contents(atPath: scratch.path("one/" + file))
                let b = FileManager.default.contents(atPath: scratch.path("four/" + file))
                #expect(a != nil && a == b, "\(file) differs between --jobs 1 and --jobs 4")
            }
        }
    }
}

@Suite struct ShardTests {
    @Test func shardsAreDisjointAndCoverEveryInput() throws {
        try Scratch.with { scratch in
            try VideoTree.make(in: scratch)
            var seen: [[String]] = []
            for k in 1...3 {
                let result = try scratch.run(["in", "-r", "-t", "1", "--shard", "\(k)/3", "-o", "out/{dir}/{name}.png", "--json", "--jobs", "1"])
                #expect(result.status == 0, "\(result)")
                seen.append(jsonRecords(result).compactMap(\.input))
            }
            let all = seen.flatMap { $0 }
            #expect(all.count == Set(all).count, "no input in two shards: \(seen)")
            #expect(Set(all) == Set((VideoTree.videos.map(\.path) + VideoTree.notVideo).map { "in/" + $0 }), "\(seen)")
            #expect(seen.allSatisfy { $0.count >= 2 && $0.count <= 3 }, "slices of similar size: \(seen)")
            #expect(scratch.files(under: "out").count == VideoTree.videos.count)
            // The same shard twice is the same slice.
            let again = try scratch.run(["in", "-r", "-t", "1", "--shard", "2/3", "-o", "again/{dir}/{name}.png", "--json", "--jobs", "1"])
            #expect(jsonRecords(again).compactMap(\.input) == seen[1])
        }
    }

    @Test(arguments: ["0/3", "4/3", "1/0", "x", "1/", "-1/2", "1/2/3"])
    func badShardsAreUsageErrors(shard: String) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1", "--shard", shard, "-o", "out/"])
            #expect(result.status == 64, "\(result)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }
}

@Suite struct TimeSourceTests {
    func requested(_ arguments: [String], stdin: Data? = nil) throws -> (CommandResult, [Double]) {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/{index}.png", "--json"] + arguments, stdin: stdin)
            let records = jsonRecords(result).sorted { ($0.index ?? 0) < ($1.index ?? 0) }
            for record in records where record.isImage {
                let image = decodePNG(scratch.url(record.path!))
                expectShows(image, frame: bframes.frameShown(at: MediaTime(seconds: record.requested ?? -1)), "\(record)")
            }
            return (result, records.compactMap(\.requested))
        }
    }

    @Test func countSpacesTimesAwayFromTheEnds() throws {
        let (result, times) = try requested(["--count", "4"])
        #expect(result.status == 0, "\(result)")
        #expect(times == [1.25, 3.75, 6.25, 8.75], "10 s video: 10 × (2i − 1) / 8")
    }

    @Test func everyRunsFromZeroToTheEnd() throws {
        let (result, times) = try requested(["--every", "3"])
        #expect(result.status == 0, "\(result)")
        #expect(times == [0, 3, 6, 9])
        let (longer, once) = try requested(["--every", "01:00"])
        #expect(longer.status == 0 && once == [0], "\(longer)")
    }

    @Test func sourcesCombineInOrder() throws {
        let (result, times) = try requested(["-t", "5", "--every", "4", "--count", "1", "-t", "0.5"])
        #expect(result.status == 0, "\(result)")
        #expect(times == [5, 0.5, 0, 4, 8, 5], "-t times, then --every, then --count")
    }

    @Test func timesFileWithCommentsAndStdin() throws {
        let text = "# stills for the poster\n1.5\n\n02.5 # a comment after a time\r\n50%\n"
        let fromFile = try Scratch.with { scratch -> [Double] in
            try scratch.write("times.txt", Array(text.utf8))
            let result = try scratch.run([bframesPath, "--times-file", "times.txt", "-t", "9", "-o", "out/{index}.png", "--json"])
            #expect(result.status == 0, "\(result)")
            return jsonRecords(result).sorted { ($0.index ?? 0) < ($1.index ?? 0) }.compactMap(\.requested)
        }
        #expect(fromFile == [9, 1.5, 2.5, 5])
        let (result, fromStdin) = try requested(["--times-file", "-"], stdin: Data(text.utf8))
        #expect(result.status == 0, "\(result)")
        #expect(fromStdin == [1.5, 2.5, 5])
    }

    @Test func badTimeSourcesAreUsageErrors() throws {
        try Scratch.with { scratch in
            try scratch.write("bad.txt", Array("1\nlater\n".utf8))
            try scratch.write("empty.txt", Array("# nothing\n".utf8))
            let cases: [([String], String)] = [
                (["--times-file", "bad.txt"], "bad.txt:2"), (["--times-file", "missing.txt"], "missing.txt"),
                (["--times-file", "empty.txt"], "lists no times"), (["--count", "0"], "--count"),
                (["--every", "0"], "--every"), (["--every", "10%"], "--every"), ([], "-t/--time"),
            ]
            for (arguments, mention) in cases {
                let result = try scratch.run([bframesPath, "-o", "out/"] + arguments)
                #expect(result.status == 64, "\(result)")
                #expect(result.stderr.contains(mention), "\(result)")
            }
            #expect(scratch.files(under: ".").sorted() == ["bad.txt", "empty.txt"])
        }
    }

    @Test func timeTokenNamesFilesAfterTheClock() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--count", "2", "-t", "0.04", "-o", "out/{name}_{time}.png"])
            #expect(result.status == 0, "\(result)")
            #expect(scratch.files(under: "out") == ["h264-bframes_00-00-00.040.png", "h264-bframes_00-00-02.500.png",
                                                   "h264-bframes_00-00-07.500.png"])
        }
    }
}

@Suite struct SkipExistingTests {
    /// A batch killed part-way (SIGKILL: no chance to clean up) is finished by running it again with
    /// --skip-existing: what was written is not decoded again, the rest is, and every image is complete.
    @Test func rerunAfterAKillFinishesTheBatch() throws {
        try Scratch.with { scratch in
            for copy in 1...4 {
                try FileManager.default.createDirectory(at: scratch.url("in/\(copy)"), withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: bframesPath, toPath: scratch.path("in/\(copy)/movie.mp4"))
            }
            let arguments = ["in", "-r", "--every", "0.2", "-o", "out/{dir}/{name}-{time}.png", "--jobs", "1"]
            let total = 4 * 50
            let running = try Framegrab.start(arguments, in: scratch.url)
            let started = running.waitForStdout(timeout: 60) { CommandResult.lines($0).count >= 30 }
            running.send(SIGKILL)
            let killed = running.wait()
            #expect(started, "\(killed)")
            #expect(killed.killedBy == SIGKILL, "the run was still going when killed\n\(killed)")
            let before = scratch.files(under: "out").filter { !($0 as NSString).lastPathComponent.hasPrefix(".") }
            #expect(before.count >= 30 && before.count < total, "\(before.count) images before the rerun")
            var stamps: [String: Date] = [:]
            for file in before {
                stamps[file] = try FileManager.default.attributesOfItem(atPath: scratch.path("out/" + file))[.modificationDate] as? Date
            }
            usleep(20_000)

            let rerun = try scratch.run(arguments + ["--skip-existing", "--json"])
            #expect(rerun.status == 0, "\(rerun)")
            let records = jsonRecords(rerun)
            let skipped = records.filter { $0.object["skipped"] as? Bool == true }
            let written = records.filter { $0.isImage && $0.object["skipped"] == nil }
            for record in skipped { expectKeys(record, ["input", "index", "requested", "path", "skipped"]) }
            #expect(Set(skipped.compactMap(\.path)) == Set(before.map { "out/" + $0 }), "exactly the complete images are skipped")
            #expect(skipped.count + written.count == total, "\(rerun)")
            #expect(Set(skipped.compactMap(\.path)).isDisjoint(with: written.compactMap(\.path)))
            let after = scratch.files(under: "out").filter { !($0 as NSString).lastPathComponent.hasPrefix(".") }
            #expect(after.count == total)
            for file in after {
                let image = decodePNG(scratch.url("out/" + file))
                let clock = String(file.split(separator: "-", maxSplits: 1)[1].dropLast(4))  // 00-00-01.200
                let parts = clock.split(separator: "-").map { Double($0)! }
                expectShows(image, frame: bframes.frameShown(at: MediaTime(seconds: parts[0] * 3600 + parts[1] * 60 + parts[2])), file)
            }
            for (file, stamp) in stamps {
                let now = try FileManager.default.attributesOfItem(atPath: scratch.path("out/" + file))[.modificationDate] as? Date
                #expect(now == stamp, "\(file) was written again")
            }
            let summary = try #require(rerun.jsonSummary.flatMap(summaryObject))
            #expect(summary["skipped"] as? Int == skipped.count && summary["written"] as? Int == written.count, "\(rerun)")
        }
    }

    /// Only a complete PNG counts: a cut-short file or something else under the name is replaced.
    @Test func incompleteFilesAreWrittenAgain() throws {
        try Scratch.with { scratch in
            let first = try scratch.run([bframesPath, "-t", "1,2,3", "-o", "out/"])
            #expect(first.status == 0, "\(first)")
            let whole = try Data(contentsOf: scratch.url("out/h264-bframes-2.png"))
            try whole.prefix(whole.count - 20).write(to: scratch.url("out/h264-bframes-2.png"))
            try Data("not a png".utf8).write(to: scratch.url("out/h264-bframes-3.png"))
            let rerun = try scratch.run([bframesPath, "-t", "1,2,3", "-o", "out/", "--skip-existing", "--json"])
            #expect(rerun.status == 0, "\(rerun)")
            let records = jsonRecords(rerun)
            #expect(records.filter { $0.object["skipped"] as? Bool == true }.compactMap(\.path) == ["out/h264-bframes-1.png"], "\(rerun)")
            #expect(Set(records.filter { $0.actual != nil }.compactMap(\.path)) == ["out/h264-bframes-2.png", "out/h264-bframes-3.png"])
            scratch.expectOnlyPNGs(under: "out")
            #expect(rerun.jsonSummary?.contains("\"written\":2,\"failed\":0,\"skipped\":1") == true, "\(rerun)")
        }
    }
}

/// The summary object of a `{"summary":{…}}` line.
func summaryObject(_ line: String) -> [String: Any]? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
    return object["summary"] as? [String: Any]
}
