import Foundation
import FrameGrab
import TestSupport
import Testing

/// `AssetLimits` through the public API, and the sanitising of names taken from inputs.
@Suite struct LimitsTests {
    let path = Fixtures.path("h264-bframes.mp4")

    @Test func pixelLimitRefusesTheAssetBeforeDecoding() throws {
        do {
            _ = try MediaAsset(path: path, limits: AssetLimits(maximumPixelCount: 320 * 240 - 1))
            Issue.record("opened a 320x240 video with a limit below its size")
        } catch {
            #expect(error.code == .tooLarge)
            #expect(error.path == path && error.message.contains("320x240"), "\(error)")
        }
        let asset = try MediaAsset(path: path, limits: AssetLimits(maximumPixelCount: 320 * 240))
        #expect(asset.videoTrack.encodedSize == PixelSize(width: 320, height: 240))
    }

    /// Once the time limit has been used up by work on the file, every later request fails with `timedOut`
    /// at once, naming the file and time.
    @Test func timeLimitFailsEveryLaterRequest() async throws {
        let asset = try await MediaAsset.open(path: path, limits: AssetLimits(timeLimit: .milliseconds(30)))
        let generator = AssetImageGenerator(asset: asset)
        generator.decoderThreadCount = 1
        // Every frame of the file, each decoded and converted: far more than 30 ms of work.
        let times = (0..<250).map { MediaTime(value: Int64($0) * 40, timescale: 1000) }
        var codes: [FrameGrabError.Code?] = []
        var workAtFirstTimeout: GenerationStatistics?
        for await result in generator.images(for: times) {
            switch result {
            case .success: codes.append(nil)
            case .failure(_, let error):
                codes.append(error.code)
                #expect(error.code == .timedOut, "\(error)")
                #expect(error.message.contains(path) && error.message.contains("0.03 s"), "\(error)")
                if workAtFirstTimeout == nil { workAtFirstTimeout = generator.statistics }
            }
        }
        let first = try #require(codes.firstIndex { $0 == .timedOut }, "the limit never passed")
        #expect(codes[first...].allSatisfy { $0 == .timedOut }, "every request after the limit fails")
        // At once: nothing more is decoded (the pool, shared with other tests, decides when, not how much).
        #expect(generator.statistics.framesDecoded == workAtFirstTimeout?.framesDecoded)
    }

    /// The limit counts time of work on the file, not time it waits (here, asleep between two requests).
    @Test func waitingDoesNotUseTheTimeLimit() async throws {
        let asset = try await MediaAsset.open(path: path, limits: AssetLimits(timeLimit: .milliseconds(500)))
        let generator = AssetImageGenerator(asset: asset)
        let video = Fixtures.video("h264-bframes.mp4")
        for (index, time) in [MediaTime(seconds: 1), MediaTime(seconds: 2)].enumerated() {
            if index > 0 { try await Task.sleep(for: .milliseconds(700)) }
            let result = await generator.results(for: [time]).first { _ in true }
            switch result?.outcome {
            case .success(let generated):
                #expect(frameNumber(in: generated.image) == video.frameShown(at: time), "at \(time)")
            case .failure(let error):
                Issue.record("at \(time), after \(index == 0 ? "no wait" : "700 ms asleep"): \(error)")
            case nil:
                Issue.record("no result at \(time)")
            }
        }
    }

    @Test func noTimeLimitByDefault() throws {
        #expect(AssetLimits.default.timeLimit == nil)
        #expect(AssetLimits.default.maximumPixelCount == 16384 * 16384)
    }
}
