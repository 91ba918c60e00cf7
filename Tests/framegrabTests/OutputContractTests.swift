import Foundation
import FrameGrab
import TestSupport
import Testing

/// What framegrab prints: one path per image in plain mode, one JSON object per result with --json.
@Suite struct OutputContractTests {
    @Test func plainModePrintsOnePathPerImage() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1", "-t", "2.5", "-o", "out/"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr == "", "\(result)")
            let expected = ["out/h264-bframes-1.png": seconds("1"), "out/h264-bframes-2.png": seconds("2.5")]
            // Lines come in the order images complete, so compare them as a set, but each exactly once.
            #expect(result.stdoutLines.sorted() == expected.keys.sorted(), "\(result)")
            for (path, time) in expected {
                let image = decodePNG(scratch.url(path))
                #expect(image?.width == 320 && image?.height == 240, "\(path)")
                expectShows(image, frame: bframes.frameShown(at: time), "of \(path) at \(time)")
            }
            #expect(scratch.expectOnlyPNGs(under: "out").count == 2)
        }
    }

    @Test func plainModeWithAbsoluteFolderPrintsAbsolutePaths() throws {
        try Scratch.with { scratch in
            let folder = scratch.path("frames") + "/"
            let result = try scratch.run([bframesPath, "-t", "0.5", "-o", folder])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == [folder + "h264-bframes-1.png"], "\(result)")
            expectShows(decodePNG(URL(fileURLWithPath: folder + "h264-bframes-1.png")), frame: bframes.frameShown(at: seconds("0.5")))
            scratch.expectOnlyPNGs(under: "frames")
        }
    }

    @Test func jsonLinesDescribeEveryImage() throws {
        let times = ["0", "0.04", "1", "2.5", "4", "7.99", "9.96"]
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "--json", "-o", "out/{index}.png"] + times.flatMap { ["-t", $0] })
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr == "", "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == times.count, "\(result)")
            #expect(records.compactMap(\.index).sorted() == Array(1...times.count), "every request answered once: \(result)")
            for record in records {
                expectKeys(record, JSONRecord.imageKeys)
                guard let index = record.index, (1...times.count).contains(index) else {
                    Issue.record("bad index in \(record)")
                    continue
                }
                let requested = seconds(times[index - 1])
                let shown = bframes.frameShown(at: requested)!
                #expect(record.input == bframesPath, "\(record)")
                #expect(record.requested.map { abs($0 - requested.seconds) < 1e-9 } == true, "\(record)")
                #expect(record.path == "out/\(index).png", "\(record)")
                #expect(record.width == 320 && record.height == 240, "\(record)")
                guard let actual = record.actual else {
                    Issue.record("no numeric actual time in \(record)")
                    continue
                }
                #expect(abs(actual - bframes.time(ofFrame: shown).seconds) < 1e-6, "actual time of \(record)")
                let image = decodePNG(scratch.url("out/\(index).png"))
                #expect(image?.width == record.width && image?.height == record.height, "\(record)")
                // The frame in the pixels is the one `actual` names, and `keyframe` is that frame's flag.
                let inPixels = image.map { frameNumber(in: $0) }
                #expect(inPixels == shown, "frame in the pixels of \(record)")
                #expect(bframes.frame(atSeconds: actual) == inPixels, "actual names the frame in the pixels: \(record)")
                #expect(record.keyframe == bframes.frames[shown].key, "keyframe flag of \(record)")
            }
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    /// Every fixture: a few times, each a millisecond after a frame starts, checked against ffprobe's manifest.
    @Test(arguments: [("h264-bframes.mp4", 320, 240), ("vp9.webm", 320, 240), ("h264-offset.ts", 320, 240),
                      ("vfr.mkv", 320, 240), ("rotated90.mp4", 240, 320), ("anamorphic.mp4", 320, 240)])
    func jsonAgreesWithTheManifest(name: String, width: Int, height: Int) throws {
        let video = Fixtures.video(name)
        let count = video.frames.count
        let frames = [0, 1, count / 3, count / 2 + 1, count - 2, count - 1]
        let times = frames.map { String(format: "%.6f", video.time(ofFrame: $0).seconds + 0.001) }
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path(name), "--json", "-o", "out/{index}.png", "-t", times.joined(separator: ",")])
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.compactMap(\.index).sorted() == Array(1...times.count), "\(result)")
            for record in records {
                guard let index = record.index, let actual = record.actual, record.isImage else {
                    Issue.record("\(name): not an image line: \(record)")
                    continue
                }
                let expected = frames[index - 1]
                #expect(abs(actual - video.time(ofFrame: expected).seconds) < 1e-6, "\(name): \(record)")
                #expect(record.keyframe == video.frames[expected].key, "\(name): \(record)")
                #expect(record.width == width && record.height == height, "\(name): \(record)")
                let image = decodePNG(scratch.url("out/\(index).png"))
                #expect(image?.width == width && image?.height == height, "\(name): \(record)")
                expectShows(image, frame: expected, orientation: video.displayOrientation, "\(name): \(record)")
            }
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    @Test func jsonFailureLinesHaveTheirOwnShape() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "missing.mp4", "--json", "-o", "out/{name}-{index}.png", "-t", "1", "-t", "99"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 3, "\(result)")
            let images = records.filter(\.isImage)
            #expect(images.count == 1 && images.first?.index == 1, "\(result)")
            let requestFailures = records.filter { $0.index != nil && !$0.isImage }
            #expect(requestFailures.count == 1, "\(result)")
            if let failure = requestFailures.first {
                expectKeys(failure, JSONRecord.requestFailureKeys)
                #expect(failure.input == bframesPath && failure.index == 2 && failure.requested == 99, "\(failure)")
                #expect(failure.code == "beyondEnd", "\(failure)")
                #expect(failure.error?.contains(bframesName) == true && failure.error?.contains("99") == true, "\(failure)")
            }
            let inputFailures = records.filter { $0.index == nil }
            #expect(inputFailures.count == 1, "\(result)")
            if let failure = inputFailures.first {
                expectKeys(failure, JSONRecord.inputFailureKeys)
                #expect(failure.input == "missing.mp4" && failure.code == "notFound", "\(failure)")
                #expect(failure.error?.contains("missing.mp4") == true, "\(failure)")
            }
            #expect(scratch.expectOnlyPNGs(under: "out").keys.sorted() == ["h264-bframes-1.png"])
        }
    }

    /// Quotes, backslashes, control characters and non-ASCII letters in paths survive the JSON quoting. In
    /// the output name made from `{name}`, control characters become `_` (one path per line of output).
    @Test func jsonQuotesAwkwardFileNames() throws {
        try Scratch.with { scratch in
            let name = "we\"ird\\ name\ttab\u{1}ctl é"
            let outputName = "we\"ird\\ name_tab_ctl é"
            let input = try scratch.write("in/\(name).mp4", Damage.bytes(of: bframesName))
            let result = try scratch.run([input, "--json", "-o", "out/{name}-{index}.png", "-t", "1"])
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 1, "\(result)")
            if let record = records.first {
                #expect(record.input == input, "\(record)")
                #expect(record.path == "out/\(outputName)-1.png", "\(record)")
                expectShows(decodePNG(scratch.url("out/\(outputName)-1.png")), frame: 25)
            }
            #expect(scratch.expectOnlyPNGs(under: "out").keys.sorted() == ["\(outputName)-1.png"])
        }
    }
}
