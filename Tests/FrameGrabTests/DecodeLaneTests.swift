import FrameGrab
import TestSupport
import Testing

/// With requests between several keyframes and more than one decoder thread, the generator answers groups
/// of requests on parallel decode lanes. The answers must be exactly those of one decoder, in the same
/// order, for the same work.
@Suite struct DecodeLaneTests {
    /// Times all over the file, in no order, with repeats, the very start, and times no frame answers.
    static func scatteredTimes(_ video: Fixtures.Video) -> [MediaTime] {
        var state: UInt64 = 0xD1B54A32D192ED03
        let times = (0..<30).map { _ -> MediaTime in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return MediaTime(seconds: Double(state >> 11) / Double(1 << 53) * video.end.seconds)
        }
        return times + [times[3], .zero, MediaTime(seconds: -1), video.end + MediaTime(seconds: 5), .invalid, times[7]]
    }

    struct Answer: Equatable {
        let index: Int
        let requested: MediaTime
        let image: FrameImage?
        let actual: MediaTime?
        let isKeyframe: Bool?
        let error: FrameGrabError.Code?
    }

    static func answers(_ name: String, threads: Int, tolerance: MediaTime = .zero) async throws -> (answers: [Answer], statistics: GenerationStatistics) {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        generator.decoderThreadCount = threads
        generator.requestedTimeToleranceBefore = tolerance
        generator.requestedTimeToleranceAfter = tolerance
        var answers: [Answer] = []
        for await result in generator.results(for: scatteredTimes(Fixtures.video(name))) {
            switch result.outcome {
            case .success(let image):
                answers.append(Answer(index: result.requestIndex, requested: result.requestedTime, image: image.image,
                                      actual: image.actualTime, isKeyframe: image.isKeyframe, error: nil))
            case .failure(let error):
                answers.append(Answer(index: result.requestIndex, requested: result.requestedTime, image: nil,
                                      actual: nil, isKeyframe: nil, error: error.code))
            }
        }
        return (answers, generator.statistics)
    }

    static let multiKeyframeVideos = Fixtures.videoNames + ["size-change.ts", "alpha-png.mov"]

    @Test(arguments: multiKeyframeVideos)
    func exactAnswersMatchOneDecoder(name: String) async throws {
        let video = Fixtures.video(name)
        #expect(video.keyframeIndices.count >= 2, "\(name) needs several keyframes to have several groups")
        let one = try await Self.answers(name, threads: 1)
        let lanes = try await Self.answers(name, threads: 3)
        #expect(lanes.answers.count == Self.scatteredTimes(video).count)
        #expect(lanes.answers == one.answers)
        // The right frames, besides being the same ones.
        let orientation = try await MediaAsset.open(path: Fixtures.path(name)).videoTrack.orientation
        for answer in lanes.answers {
            guard let image = answer.image, let shown = video.frameShown(at: answer.requested) else { continue }
            #expect(frameNumber(in: image, orientation: orientation) == shown, "\(name) at \(answer.requested)")
        }
        #expect(lanes.answers.compactMap(\.error).sorted { "\($0)" < "\($1)" } == [.beyondEnd, .invalidTime])
        // Groups start at keyframes, so lanes decode what one decoder does, but for the few frames at the
        // start of a group that the previous group also decoded (the one that ends its last interval, and
        // the decoder's reordering delay).
        #expect(lanes.statistics.framesDecoded <= one.statistics.framesDecoded + video.keyframeIndices.count * 4)
        #expect(lanes.statistics.imagesConverted == one.statistics.imagesConverted)
    }

    @Test(arguments: ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "vfr.mkv"])
    func windowAnswersMatchOneDecoder(name: String) async throws {
        for tolerance in [MediaTime(seconds: 0.5), .positiveInfinity] {
            let one = try await Self.answers(name, threads: 1, tolerance: tolerance)
            let lanes = try await Self.answers(name, threads: 2, tolerance: tolerance)
            #expect(lanes.answers == one.answers, "\(name), tolerance \(tolerance)")
            #expect(lanes.answers.contains { $0.isKeyframe == true })
        }
    }

    @Test func leavingEarlyStopsTheLanes() async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        generator.decoderThreadCount = 2
        let times = (0..<200).map { MediaTime(value: Int64($0) * 49, timescale: 1000) }
        for await result in generator.results(for: times) {
            _ = try result.outcome.get()
            break
        }
        // Lanes finish the frame in hand and stop for good, a result or two ahead of the consumer per lane.
        try await Task.sleep(for: .milliseconds(200))
        let after = generator.statistics
        try await Task.sleep(for: .milliseconds(300))
        #expect(generator.statistics == after)
        #expect(after.framesDecoded < 100)
    }
}
