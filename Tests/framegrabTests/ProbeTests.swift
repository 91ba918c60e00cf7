import Foundation
import FrameGrab
import TestSupport
import Testing

@Suite struct ProbeTests {
    func probeJSON(_ names: [String], keyframes: Bool = true) throws -> (CommandResult, [[String: Any]]) {
        try Scratch.with { scratch in
            let result = try scratch.run(["probe", "--json"] + (keyframes ? ["--keyframes"] : []) + names.map(Fixtures.path))
            let objects = result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects.count == result.stdoutLines.count, "every line is a JSON object\n\(result)")
            return (result, objects)
        }
    }

    /// Every fixture as ffprobe described it in the manifest: sizes, rotation, start, keyframe times.
    @Test(arguments: Fixtures.videoNames)
    func agreesWithTheManifest(name: String) throws {
        let (result, objects) = try probeJSON([name])
        #expect(result.status == 0, "\(result)")
        let object = try #require(objects.first)
        let video = Fixtures.video(name)
        let stream = try #require(object["video"] as? [String: Any])
        #expect(object["input"] as? String == Fixtures.path(name))
        #expect(stream["width"] as? Int == video.width && stream["height"] as? Int == video.height, "\(object)")
        #expect(stream["rotation"] as? Int == video.displayOrientation.rotation, "\(object)")
        #expect(stream["codec"] as? String != nil && stream["pixelFormat"] as? String == "yuv420p", "\(object)")
        let keyframes = try #require(object["keyframes"] as? [Double])
        let expected = video.keyframeIndices.map { video.time(ofFrame: $0).seconds }
        #expect(keyframes.count == expected.count, "\(keyframes) vs \(expected)")
        for (got, want) in zip(keyframes, expected) { #expect(abs(got - want) < 1e-6, "\(keyframes) vs \(expected)") }
        let duration = try #require(object["duration"] as? Double)
        #expect(abs(duration - video.end.seconds) < 0.1, "duration \(duration), frames end at \(video.end.seconds)")
    }

    @Test func describesGeometryAndOtherStreams() throws {
        let (result, objects) = try probeJSON(["anamorphic.mp4", "h264-offset.ts", "h264-bframes.mp4", "rotated90.mp4"], keyframes: false)
        #expect(result.status == 0, "\(result)")
        #expect(objects.count == 4)
        guard objects.count == 4 else { return }
        let anamorphic = objects[0]["video"] as? [String: Any]
        #expect(anamorphic?["sampleAspectRatio"] as? String == "4:3" && anamorphic?["displayWidth"] as? Int == 320, "\(objects[0])")
        #expect(objects[1]["startTime"] as? Double == 11.4 && objects[1]["container"] as? String == "mpegts", "\(objects[1])")
        let others = objects[2]["otherStreams"] as? [[String: Any]]
        #expect(others?.count == 1 && others?.first?["type"] as? String == "audio" && others?.first?["sampleRate"] as? Int == 48000, "\(objects[2])")
        #expect(objects[2]["keyframes"] == nil, "keyframes only with --keyframes")
        let rotated = objects[3]["video"] as? [String: Any]
        #expect(rotated?["displayWidth"] as? Int == 240 && rotated?["displayHeight"] as? Int == 320, "\(objects[3])")
        #expect(rotated?["frameRate"] as? String == "25/1", "\(objects[3])")
    }

    @Test func textModeAndFailures() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["probe", "--keyframes", bframesPath, Fixtures.path("audio-only.m4a"), "missing.mp4"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("video stream 0: h264") && result.stdout.contains("keyframes (3): 0 4 8"), "\(result)")
            #expect(result.stdout.contains("stream 1: audio aac, 48000 Hz"), "\(result)")
            #expect(result.stderrLines.count == 2 && result.stderr.contains("audio-only.m4a: no video stream")
                    && result.stderr.contains("missing.mp4: no such file"), "\(result)")
            #expect(result.summaryLine == nil, "\(result)")
            let json = try scratch.run(["probe", "--json", Fixtures.path("audio-only.m4a")])
            #expect(json.status == 1 && json.stdout.contains("\"code\":\"noVideoStream\""), "\(json)")
        }
    }

    /// Keyframe listing reads packets only: the library's decoding statistics are not involved, and it is
    /// fast even for every frame of a file.
    @Test func keyframeTimesFromTheLibrary() throws {
        for name in Fixtures.videoNames {
            let asset = try MediaAsset(path: Fixtures.path(name))
            let video = Fixtures.video(name)
            let times = try asset.keyframeTimes()
            #expect(times == video.keyframeIndices.map { video.time(ofFrame: $0) }
                    || zip(times, video.keyframeIndices).allSatisfy { abs(($0.0 - video.time(ofFrame: $0.1)).seconds) < 1e-6 }, "\(name): \(times)")
            #expect(times.count == video.keyframeIndices.count, "\(name)")
        }
    }

    /// AVI with B-frames: its packets carry decode times only, a keyframe's ahead of when it is shown. The
    /// keyframe times are those the frames are shown at: a still at each is that keyframe, exactly.
    @Test func keyframeTimesOfPacketsWithDecodeTimesOnlyAreWhenTheyAreShown() throws {
        try Scratch.with { scratch in
            try FFmpegTool.run(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=6", "-c:v", "libx264", "-bf", "3", "-g", "25",
                                "-threads", "1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "bframes.avi"], in: scratch.url)
            let probe = try scratch.run(["probe", "--json", "--keyframes", "bframes.avi"])
            let object = try #require(probe.stdoutLines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            let keyframes = try #require(object["keyframes"] as? [Double], "\(probe)")
            #expect(keyframes.count == 6, "one every 25 frames: \(keyframes)")
            let stills = try scratch.run(["bframes.avi", "--json", "-o", "k/", "-t", keyframes.map { String($0) }.joined(separator: ",")])
            #expect(stills.status == 0, "\(stills)")
            for record in jsonRecords(stills) where record.isImage {
                #expect(record.keyframe == true && record.actual == record.requested, "\(record)")
            }
            #expect(jsonRecords(stills).filter(\.isImage).count == keyframes.count, "\(stills)")
        }
    }
}
