import FrameGrab
import TestSupport
import Testing

/// Files whose timestamps or length, as libavformat reads them, are not where the pictures are (issue 19): raw
/// elementary streams with B-frames (`mpeg1.m1v`, `mpeg2-raw.m2v`, `h264-raw.h264`: frame n is on screen from
/// n / frame rate), H.264 in MP4 whose timestamps are in decode order (`h264-dts-order.mp4`: frame n from the
/// n-th smallest timestamp), and containers that misstate the video's length (`fragmented-duration.mp4`,
/// `overstated.flv`, `cut-short.flv`). The manifest's frames are the truth (scripts/make-fixtures says how it
/// was found); every answer is checked by the frame number in its pixels and its label.
@Suite struct TrueTimelineTests {
    static let names = ["mpeg1.m1v", "mpeg2-raw.m2v", "h264-raw.h264", "h264-dts-order.mp4",
                        "fragmented-duration.mp4", "overstated.flv", "cut-short.flv"]


    static let margin = MediaTime(value: 1, timescale: 1000)

    /// Where frame `index` stops being shown.
    static func end(ofFrame index: Int, in video: Fixtures.Video) -> MediaTime {
        index + 1 < video.frames.count ? video.time(ofFrame: index + 1) : video.end
    }

    /// Time 0, then a millisecond after each frame starts and a millisecond before it ends, then half a second
    /// past the end of the video (past its last frame: before where the container says it ends, for some).
    static func everyInterval(_ video: Fixtures.Video) -> [MediaTime] {
        var times: [MediaTime] = [.zero]
        for index in video.frames.indices {
            times += [video.time(ofFrame: index) + margin, end(ofFrame: index, in: video) - margin]
        }
        return times + [video.end + MediaTime(value: 1, timescale: 2)]
    }

    /// The answers to `times` in one run, in the order of the times.
    static func results(_ asset: MediaAsset, _ times: [MediaTime], keyframes: Bool = false) async -> [ImageResult] {
        let generator = AssetImageGenerator(asset: asset)
        if keyframes {
            generator.requestedTimeToleranceBefore = .positiveInfinity
            generator.requestedTimeToleranceAfter = .positiveInfinity
        }
        var results: [ImageResult] = []
        for await result in generator.results(for: times) { results.append(result) }
        return results.sorted { $0.requestIndex < $1.requestIndex }
    }

    /// What an answer shows: "frame N at T" (N from its pixels, T its label, "key" when flagged a keyframe),
    /// or its error code.
    static func shown(_ result: ImageResult) -> String {
        switch result.outcome {
        case .success(let generated):
            return "frame \(frameNumber(in: generated.image)) at \(generated.actualTime.decimalSeconds)\(generated.isKeyframe ? " key" : "")"
        case .failure(let error): return "\(error.code)"
        }
    }

    /// What the answer at `time` must show in exact mode: the frame on screen, at its true time.
    static func expectedExact(_ video: Fixtures.Video, at time: MediaTime) -> String {
        guard let frame = video.frameShown(at: time) else { return "\(FrameGrabError.Code.beyondEnd)" }
        return "frame \(frame) at \(video.time(ofFrame: frame).decimalSeconds)\(video.frames[frame].key ? " key" : "")"
    }

    /// One expectation for a whole list of answers: how many are wrong, and the first few.
    static func expectAll(_ results: [ImageResult], _ expected: (MediaTime) -> String, _ label: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let wrong = results.filter { shown($0) != expected($0.requestedTime) }
        let examples = wrong.prefix(6).map { "at \($0.requestedTime.decimalSeconds): \(shown($0)), expected \(expected($0.requestedTime))" }
        let wrongAnswers = wrong.count
        #expect(wrongAnswers == 0, "\(label): \(wrongAnswers) of \(results.count) answers wrong; \(examples.joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }

    /// Every frame interval, in one batch: each answer is the frame on screen, labelled with its true time.
    @Test(arguments: names)
    func everyFrameIntervalInOneBatch(name: String) async throws {
        let video = Fixtures.video(name)
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        let times = Self.everyInterval(video)
        let results = await Self.results(asset, times)
        #expect(results.count == times.count)
        Self.expectAll(results, { Self.expectedExact(video, at: $0) }, "\(name) exact, in one batch")
    }

    /// A request alone gives what it gives in a batch, and both are the truth.
    @Test(arguments: names)
    func aloneAsInABatch(name: String) async throws {
        let video = Fixtures.video(name)
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        var times: [MediaTime] = []
        for index in stride(from: 0, to: video.frames.count, by: 7) {
            times += [video.time(ofFrame: index) + Self.margin, Self.end(ofFrame: index, in: video) - Self.margin]
        }
        for index in video.keyframeIndices where index > 0 { times.append(video.time(ofFrame: index) - Self.margin) }
        let batch = await Self.results(asset, Self.everyInterval(video) + times)
        var inBatch: [MediaTime: String] = [:]
        for result in batch { inBatch[result.requestedTime] = Self.shown(result) }
        var alone: [ImageResult] = []
        for time in times {
            let fresh = try await MediaAsset.open(path: Fixtures.path(name))
            alone += await Self.results(fresh, [time])
        }
        Self.expectAll(alone, { inBatch[$0] ?? "?" }, "\(name): alone as in a batch")
        Self.expectAll(alone, { Self.expectedExact(video, at: $0) }, "\(name) exact, alone")
    }

    /// The nearest keyframe (the earlier of two as near), labelled with the time exact mode gives that frame.
    @Test(arguments: names)
    func keyframeModeAgreesWithExactMode(name: String) async throws {
        let video = Fixtures.video(name)
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        var times: [MediaTime] = [.zero]
        for index in stride(from: 1, to: video.frames.count, by: 5) { times.append(video.time(ofFrame: index) + Self.margin) }
        times.append(video.end - Self.margin)
        func nearest(_ time: MediaTime) -> String {
            let distance = { (index: Int) in abs((video.time(ofFrame: index) - time).seconds) }
            let key = video.keyframeIndices.min { distance($0) < distance($1) || (distance($0) == distance($1) && $0 < $1) }!
            return "frame \(key) at \(video.time(ofFrame: key).decimalSeconds) key"
        }
        let results = await Self.results(asset, times, keyframes: true)
        Self.expectAll(results, nearest, "\(name) keyframe mode")
    }

    /// The keyframe times read from the packets (`probe --keyframes`) are where exact mode shows the keyframes.
    @Test(arguments: names)
    func keyframeTimesAreTheKeyframesTimes(name: String) async throws {
        let video = Fixtures.video(name)
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        let expected = video.keyframeIndices.map { video.time(ofFrame: $0).decimalSeconds }
        let times = try? await asset.keyframeTimes()
        #expect(times?.map(\.decimalSeconds) == expected, "\(name): keyframes at \(times.map { "\($0.map(\.decimalSeconds))" } ?? "error"), expected \(expected)")
    }
}
