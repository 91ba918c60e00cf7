import FrameGrab
import TestSupport
import Testing

/// The generator decodes only what the requests need: it seeks to the keyframe before a distant target,
/// shares decoding between nearby requests, and converts a frame once however many requests land on it.
/// Bounds allow for the decoder's reordering delay (a few frames), not for decoding from the start.
@Suite struct DecodingCostTests {
    static let slack = 8

    func generator(_ name: String) throws -> AssetImageGenerator {
        AssetImageGenerator(asset: try MediaAsset(path: Fixtures.path(name)))
    }

    func run(_ generator: AssetImageGenerator, _ seconds: [Double]) async throws -> [Int: Int] {
        var frames: [Int: Int] = [:]
        for await result in generator.results(for: seconds.map { MediaTime(seconds: $0) }) {
            frames[result.requestIndex] = frameNumber(in: try result.outcome.get().image, orientation: generator.asset.videoTrack.orientation)
        }
        return frames
    }

    @Test(arguments: ["h264-bframes.mp4", "vfr.mkv", "vp9.webm", "h264-offset.ts"])
    func aLateTargetDecodesFromItsKeyframeOnly(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = try generator(name)
        // The frame just before the last keyframe: the worst case for a decode-from-the-start bug.
        let lastKey = video.keyframeIndices.last!
        let target = lastKey - 1
        let frames = try await run(generator, [video.time(ofFrame: target).seconds + 0.001])
        #expect(frames[0] == target)
        let previousKey = video.keyframeIndices.last { $0 <= target }!
        let needed = target - previousKey + 1
        #expect(generator.statistics.framesDecoded <= needed + Self.slack, "\(name): decoded \(generator.statistics.framesDecoded), needed \(needed)")
        #expect(generator.statistics.framesDecoded < target, "\(name) decoded from the start")
    }

    /// The last request before a seek stops at its own frame instead of decoding on until the frame after
    /// it comes out. Without reordering (VP9 here) that is exactly the frames from the keyframe to its own.
    @Test(arguments: 1...6)
    func theLastRequestDecodesNothingAfterItsFrame(offset: Int) async throws {
        let video = Fixtures.video("vp9.webm")
        let key = video.keyframeIndices[1]
        let generator = try generator("vp9.webm")
        let frames = try await run(generator, [video.time(ofFrame: key + offset).seconds + 0.001])
        #expect(frames[0] == key + offset)
        #expect(generator.statistics.framesDecoded == offset + 1)
    }

    @Test func nearbyRequestsShareOneDecode() async throws {
        let generator = try generator("h264-bframes.mp4")
        // Frames 205, 210, 215, 220 (keyframe at 200): one pass of about 21 frames.
        let frames = try await run(generator, [8.2, 8.4, 8.6, 8.8].map { $0 + 0.001 })
        #expect(frames == [0: 205, 1: 210, 2: 215, 3: 220])
        #expect(generator.statistics.framesDecoded <= 21 + Self.slack)
        #expect(generator.statistics.seeks == 1)
    }

    @Test func requestsAreTakenInTimelineOrder() async throws {
        let generator = try generator("h264-bframes.mp4")
        // Given backwards: answered forwards, with one seek per GOP rather than a seek back each time.
        let frames = try await run(generator, [9.001, 5.001, 1.001])
        #expect(frames == [0: 225, 1: 125, 2: 25])
        #expect(generator.statistics.framesDecoded <= 3 * (25 + 1 + Self.slack))
    }

    @Test func duplicateTimesShareOneConversion() async throws {
        let generator = try generator("h264-bframes.mp4")
        let frames = try await run(generator, [5.001, 5.001, 5.01, 5.001])
        #expect(Set(frames.values) == [125])
        #expect(frames.count == 4)
        #expect(generator.statistics.imagesConverted == 1)
    }

    @Test(arguments: ["h264-bframes.mp4", "vfr.mkv", "vp9.webm", "h264-offset.ts"])
    func keyframeRequestsDecodeAlmostNothing(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = try generator(name)
        generator.requestedTimeToleranceBefore = .positiveInfinity
        generator.requestedTimeToleranceAfter = .positiveInfinity
        let keys = video.keyframeIndices
        let times = keys.map { video.time(ofFrame: $0).seconds + 0.1 }
        let frames = try await run(generator, times)
        #expect(frames == Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.offset, $0.element) }))
        // A keyframe per request, plus the few frames a seek in a file without a full index may cost.
        #expect(generator.statistics.framesDecoded <= keys.count * (2 + Self.slack))
    }
}

extension DecodingCostTests {
    /// Frames that no other frame refers to and that are off screen at the target are skipped: fewer frames
    /// come out of the decoder than lie between the keyframe and the target, and the answer is unchanged.
    @Test(arguments: ["h264-bframes.mp4", "h264-offset.ts", "vfr.mkv"])
    func hiddenNonReferenceFramesAreNotDecoded(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = try generator(name)
        let lastKey = video.keyframeIndices.last!
        let target = lastKey - 1
        let previousKey = video.keyframeIndices.last { $0 <= target }!
        let frames = try await run(generator, [video.time(ofFrame: target).seconds + 0.001])
        #expect(frames[0] == target)
        let between = target - previousKey + 1
        let bFrames = (previousKey...target).filter { video.frames[$0].type == "B" }.count
        #expect(bFrames > between / 3, "the fixture should have B-frames")
        // At least a third of the B-frames (the non-reference ones) are skipped.
        #expect(generator.statistics.framesDecoded <= between - bFrames / 3)
    }
}
