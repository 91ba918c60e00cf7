import Foundation
import FrameGrab
import TestSupport
import Testing

/// Exact requests (both tolerances zero) return the frame on screen at the requested time.
@Suite struct ExactTimeTests {
    /// Times on every frame boundary, a microsecond before it and a microsecond after it.
    static func boundaryTimes(_ video: Fixtures.Video) -> [MediaTime] {
        let micro = MediaTime(value: 1, timescale: 1_000_000)
        return video.frames.indices.flatMap { index -> [MediaTime] in
            let t = video.time(ofFrame: index)
            return [t, t - micro, t + micro]
        }
    }

    @Test(arguments: ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "vfr.mkv", "anamorphic.mp4", "rotated90.mp4"])
    func everyFrameBoundary(name: String) async throws {
        let video = Fixtures.video(name)
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        let generator = AssetImageGenerator(asset: asset)
        let times = Self.boundaryTimes(video).filter { $0 < video.end }
        var seen = 0
        for await result in generator.results(for: times) {
            seen += 1
            let expected = video.frameShown(at: result.requestedTime)!
            let generated = try result.outcome.get()
            #expect(frameNumber(in: generated.image, orientation: asset.videoTrack.orientation) == expected,
                    "\(name) at \(result.requestedTime)")
            #expect(generated.actualTime == video.time(ofFrame: expected), "\(name) at \(result.requestedTime)")
        }
        #expect(seen == times.count)
    }

    @Test(arguments: Fixtures.videoNames)
    func scatteredTimesInAnyOrder(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        // Deterministic shuffle of times all over the file, with repeats, so that the generator has to seek
        // both ways and share decodes.
        var state: UInt64 = 0x9E3779B97F4A7C15
        let endSeconds = video.end.seconds
        let times = (0..<40).map { _ -> MediaTime in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return MediaTime(seconds: Double(state >> 11) / Double(1 << 53) * endSeconds)
        } + [MediaTime.zero, MediaTime.zero]
        var answered = Set<Int>()
        for await result in generator.results(for: times) {
            answered.insert(result.requestIndex)
            #expect(result.requestedTime == times[result.requestIndex])
            let image = try result.outcome.get().image
            let orientation = generator.asset.videoTrack.orientation
            #expect(frameNumber(in: image, orientation: orientation) == video.frameShown(at: result.requestedTime)!,
                    "\(name) at \(result.requestedTime)")
        }
        #expect(answered == Set(times.indices))
    }

    @Test(arguments: Fixtures.videoNames)
    func beforeTheFirstFrameGivesTheFirstFrame(name: String) async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        for time in [MediaTime(seconds: -5), MediaTime.zero] {
            let (image, actual) = try await generator.image(at: time)
            #expect(frameNumber(in: image, orientation: generator.asset.videoTrack.orientation) == 0)
            #expect(actual == Fixtures.video(name).time(ofFrame: 0))
        }
    }

    @Test(arguments: Fixtures.videoNames)
    func atOrPastTheEndIsBeyondEnd(name: String) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        let lastStart = video.time(ofFrame: video.frames.count - 1)
        let times = [lastStart, video.end, video.end + MediaTime(seconds: 100)]
        var outcomes: [Int: Result<GeneratedImage, FrameGrabError>] = [:]
        for await result in generator.results(for: times) { outcomes[result.requestIndex] = result.outcome }
        #expect(frameNumber(in: try outcomes[0]!.get().image, orientation: generator.asset.videoTrack.orientation) == video.frames.count - 1)
        for index in [1, 2] {
            guard case .failure(let error) = outcomes[index]! else {
                Issue.record("\(name): request at \(times[index]) should fail")
                continue
            }
            #expect(error.code == .beyondEnd)
            #expect(error.message.contains(name))
        }
    }
}
