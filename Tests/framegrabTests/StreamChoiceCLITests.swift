import Foundation
import FrameGrab
import TestSupport
import Testing

/// Files with several video streams, from the command: `--stream N`, the default choice, and what
/// `probe` says about it.
@Suite struct StreamChoiceCLITests {
    static let twoClips = Fixtures.path("two-video-streams.mp4")
    static let clipAndStill = Fixtures.path("clip-and-still.mp4")

    func probeJSON(_ arguments: [String]) throws -> (CommandResult, [String: Any]) {
        let result = try Framegrab.run(["probe", "--json"] + arguments)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return (result, object)
    }

    @Test func streamTakesImagesFromTheStreamOfThatIndex() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([Self.twoClips, "--stream", "1", "-t", "0", "-t", "0.5", "-o", "out/{index}.png", "--json"])
            #expect(result.status == 0, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 2 && records.allSatisfy { $0.width == 160 && $0.height == 120 }, "\(result)")
            let images = scratch.expectOnlyPNGs(under: "out")
            // Stream 1's frames are numbered from 100; at 0.5 s stream 0 (0.4 s long) has already ended.
            #expect(images["1.png"].map { frameNumber(in: $0) } == 100 && images["2.png"].map { frameNumber(in: $0) } == 112)
        }
    }

    @Test func withoutStreamFFmpegsChoiceStands() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([Self.twoClips, "-t", "0.2", "-t", "0.5", "-o", "out/{index}.png"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdoutLines == ["out/1.png"] && result.stderr.contains("at 0.5s: past the end of the video"), "\(result)")
            let image = try #require(decodePNG(scratch.url("out/1.png")))
            #expect(image.width == 128 && frameNumber(in: image) == 5)
        }
    }

    /// The motion-photo case: a clip beside a larger one-frame still flagged default. Times all through the
    /// clip work; the still is there for whoever asks for it.
    @Test func theClipIsTakenOverTheStill() throws {
        try Scratch.with { scratch in
            let clip = try scratch.run([Self.clipAndStill, "-t", "0", "-t", "0.3", "-o", "clip/{index}.png"])
            #expect(clip.status == 0, "\(clip)")
            let images = scratch.expectOnlyPNGs(under: "clip")
            #expect(images.values.allSatisfy { $0.width == 128 && $0.height == 96 })
            #expect(images["1.png"].map { frameNumber(in: $0) } == 0 && images["2.png"].map { frameNumber(in: $0) } == 7)
            let still = try scratch.run([Self.clipAndStill, "--stream", "1", "-t", "0", "-o", "-"])
            #expect(still.status == 0, "\(still)")
            let image = try FrameImage(pngData: [UInt8](still.stdoutData))
            #expect(image.width == 256 && image.height == 192 && frameNumber(in: image) == 200)
        }
    }

    /// A stream that is not decodable video fails the input (one line, all its requests counted as failed),
    /// with its own code; the other inputs go on.
    @Test func aStreamThatIsNotVideoFailsTheInput() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, Self.twoClips, "--stream", "1", "-t", "0", "-t", "0.1",
                                          "-o", "out/{name}-{index}.png", "--json"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            let failure = try #require(records.first { $0.code != nil }, "\(result)")
            expectKeys(failure, JSONRecord.inputFailureKeys)
            #expect(failure.code == "invalidStream" && failure.input == bframesPath, "\(failure)")
            #expect(failure.error == "\(bframesPath): stream 1 is audio, not video; its video stream is 0", "\(failure)")
            #expect(records.filter(\.isImage).compactMap(\.path).sorted() == ["out/two-video-streams-1.png", "out/two-video-streams-2.png"], "\(result)")
            #expect(result.jsonSummary?.contains("\"written\":2,\"failed\":2") == true, "\(result)")
            let plain = try scratch.run([Self.twoClips, "--stream", "2", "-t", "0", "-o", "plain/"])
            #expect(plain.status == 1 && plain.stdout.isEmpty, "\(plain)")
            #expect(plain.stderr == "framegrab: \(Self.twoClips): no stream 2 (the file has streams 0 to 1); its video streams are 0 and 1\n", "\(plain)")
            let negative = try scratch.run([Self.twoClips, "--stream=-1", "-t", "0"])
            #expect(negative.status == 64 && negative.stderr.contains("--stream wants a stream index"), "\(negative)")
        }
    }

    @Test func probeSaysWhichStreamAndWhy() throws {
        let text = try Framegrab.run(["probe", Self.clipAndStill, Self.twoClips, bframesPath])
        #expect(text.status == 0, "\(text)")
        let lines = text.stdoutLines
        #expect(lines.contains("  video stream 0: h264 (chosen: the moving stream; stream 1 is a one-frame still)"), "\(text)")
        #expect(lines.contains("  stream 1: video h264 256x192, a one-frame still [und]"), "\(text)")
        #expect(lines.contains("  video stream 0: h264 (chosen: FFmpeg's choice among 2 video streams)"), "\(text)")
        #expect(lines.contains("  stream 1: video h264 160x120, 15 frames [und]"), "\(text)")
        #expect(lines.contains("  video stream 0: h264 (chosen: the only video stream)"), "\(text)")

        let (chosen, object) = try probeJSON([Self.clipAndStill])
        #expect(chosen.status == 0, "\(chosen)")
        let video = try #require(object["video"] as? [String: Any], "\(chosen)")
        #expect(video["index"] as? Int == 0 && video["chosenBecause"] as? String == "movingOverStill" && video["frameCount"] as? Int == 10, "\(video)")
        let others = try #require(object["otherStreams"] as? [[String: Any]])
        #expect(others.count == 1 && others[0]["oneFrameStill"] as? Bool == true && others[0]["frameCount"] as? Int == 1
                && others[0]["width"] as? Int == 256 && others[0]["decodable"] as? Bool == true, "\(others)")

        for (arguments, reason) in [([Self.twoClips], "ffmpegDefault"), ([bframesPath], "onlyVideoStream")] {
            let (result, object) = try probeJSON(arguments)
            #expect((object["video"] as? [String: Any])?["chosenBecause"] as? String == reason, "\(result)")
        }
    }

    @Test func probeDescribesTheStreamAskedFor() throws {
        let text = try Framegrab.run(["probe", "--stream", "1", Self.clipAndStill])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdoutLines.contains("  video stream 1: h264 (chosen: --stream 1)"), "\(text)")
        #expect(text.stdoutLines.contains("    frame rate: 25/1 (25.000 fps), 1 frame"), "\(text)")
        #expect(text.stdoutLines.contains("  stream 0: video h264 128x96, 10 frames [und]"), "\(text)")
        let (result, object) = try probeJSON(["--stream", "1", Self.twoClips])
        let video = try #require(object["video"] as? [String: Any], "\(result)")
        #expect(video["index"] as? Int == 1 && video["chosenBecause"] as? String == "requested" && video["width"] as? Int == 160, "\(video)")
        let (failed, error) = try probeJSON(["--stream", "3", Self.twoClips])
        #expect(failed.status == 1 && error["code"] as? String == "invalidStream" && error["input"] as? String == Self.twoClips, "\(failed)")
        let plain = try Framegrab.run(["probe", "--stream", "0", Fixtures.path("audio-only.m4a")])
        #expect(plain.status == 1 && plain.stderr.contains("stream 0 is audio, not video; the file has no video stream"), "\(plain)")
    }

    /// `--metadata` names the stream the image came from.
    @Test func metadataNamesTheStream() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([Self.twoClips, "--stream", "1", "-t", "0", "-o", "-", "--metadata"])
            #expect(result.status == 0, "\(result)")
            let chunks = pngChunks([UInt8](result.stdoutData)).filter { $0.type == "tEXt" }.map { String(decoding: $0.data, as: UTF8.self) }
            #expect(chunks.contains("Stream\u{0}1"), "\(chunks)")
        }
    }
}
