import Foundation
import FrameGrab
import TestSupport
import Testing

/// With tolerances, a keyframe shown inside [T − before, T + after] is returned (the one nearest T);
/// without one, the exact frame.
@Suite struct ToleranceTests {
    /// Times spread over the video, none within 0.25 s of the midpoint between two keyframes (where
    /// "nearest" is a coin toss).
    static func clearTimes(_ video: Fixtures.Video) -> [MediaTime] {
        let keys = video.keyframeIndices.map { video.time(ofFrame: $0).seconds }
        let midpoints = zip(keys, keys.dropFirst()).map { ($0 + $1) / 2 }
        return stride(from: 0.05, to: video.end.seconds - 0.05, by: 0.37)
            .filter { t in midpoints.allSatisfy { abs($0 - t) > 0.25 } }
            .map { MediaTime(seconds: $0) }
    }

    static func nearestKeyframe(_ video: Fixtures.Video, to time: MediaTime) -> Int {
        video.keyframeIndices.min { abs((video.time(ofFrame: $0) - time).seconds) < abs((video.time(ofFrame: $1) - time).seconds) }!
    }

    /// Asks for `times` and checks that every request comes back as frame `expected(request position)`:
    /// its picture and its presentation time.
    static func expectFrames(_ generator: AssetImageGenerator, _ video: Fixtures.Video, _ name: String,
                             times: [MediaTime], expected: (Int) -> Int) async throws {
        #expect(!times.isEmpty, "\(name): no times to check")
        var seen = 0
        for await result in generator.results(for: times) {
            let generated = try result.outcome.get()
            let frame = expected(result.requestIndex)
            #expect(frameNumber(in: generated.image, orientation: generator.asset.videoTrack.orientation) == frame, "\(name) at \(result.requestedTime)")
            #expect(generated.actualTime == video.time(ofFrame: frame))
            seen += 1
        }
        #expect(seen == times.count)
    }

    @Test(arguments: Fixtures.videoNames)
    func infiniteToleranceGivesTheNearestKeyframe(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        generator.requestedTimeToleranceBefore = .positiveInfinity
        generator.requestedTimeToleranceAfter = .positiveInfinity
        let times = Self.clearTimes(video)
        #expect(times.count > 5)
        for await result in generator.results(for: times) {
            let generated = try result.outcome.get()
            let expected = Self.nearestKeyframe(video, to: result.requestedTime)
            #expect(frameNumber(in: generated.image, orientation: generator.asset.videoTrack.orientation) == expected,
                    "\(name) at \(result.requestedTime)")
            #expect(generated.actualTime == video.time(ofFrame: expected))
            #expect(generated.isKeyframe)
        }
    }

    @Test(arguments: Fixtures.videoNames)
    func windowWithAKeyframeGivesIt(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        let half = MediaTime(value: 1, timescale: 2)
        generator.requestedTimeToleranceBefore = half
        generator.requestedTimeToleranceAfter = half
        // For each keyframe after the first: a time 0.3 s after it (keyframe inside the window, before T)
        // and 0.3 s before it (keyframe after T).
        let keys = video.keyframeIndices.dropFirst()
        let times = keys.flatMap { [video.time(ofFrame: $0) + MediaTime(seconds: 0.3), video.time(ofFrame: $0) - MediaTime(seconds: 0.3)] }
        try await Self.expectFrames(generator, video, name, times: times) { keys[keys.startIndex + $0 / 2] }
    }

    @Test(arguments: Fixtures.videoNames)
    func keyframeStillOnScreenAtTheWindowStartCounts(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        let reach = MediaTime(value: 3, timescale: 10)
        generator.requestedTimeToleranceBefore = reach
        // The window opens between a keyframe and the frame after it: the keyframe is on screen there.
        let keys = Array(video.keyframeIndices.dropFirst())
        let times = keys.map { key -> MediaTime in
            let start = video.time(ofFrame: key), next = video.time(ofFrame: key + 1)
            return MediaTime(seconds: (start.seconds + next.seconds) / 2) + reach
        }
        try await Self.expectFrames(generator, video, name, times: times) { keys[$0] }
    }

    @Test(arguments: Fixtures.videoNames)
    func windowWithoutAKeyframeGivesTheExactFrame(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        let tenth = MediaTime(value: 1, timescale: 10)
        generator.requestedTimeToleranceBefore = tenth
        generator.requestedTimeToleranceAfter = tenth
        let keyTimes = video.keyframeIndices.map { video.time(ofFrame: $0) }
        // Times at least 0.3 s from every keyframe.
        let times = stride(from: 0.3, to: video.end.seconds - 0.3, by: 0.45).map { MediaTime(seconds: $0) }
            .filter { t in keyTimes.allSatisfy { abs(($0 - t).seconds) > 0.3 } }
        #expect(times.count > 3)
        for await result in generator.results(for: times) {
            let generated = try result.outcome.get()
            let expected = video.frameShown(at: result.requestedTime)!
            #expect(frameNumber(in: generated.image, orientation: generator.asset.videoTrack.orientation) == expected, "\(name) at \(result.requestedTime)")
            #expect(generated.actualTime == video.time(ofFrame: expected))
        }
    }

    @Test func beyondTheEndWithAWindowReachingBackGivesAFrame() async throws {
        let video = Fixtures.video("h264-bframes.mp4")
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        generator.requestedTimeToleranceBefore = .positiveInfinity
        let (image, actual) = try await generator.image(at: video.end + MediaTime(seconds: 5))
        // The nearest keyframe to a time past the end is the last one.
        let last = video.keyframeIndices.last!
        #expect(frameNumber(in: image) == last)
        #expect(actual == video.time(ofFrame: last))
    }
}
