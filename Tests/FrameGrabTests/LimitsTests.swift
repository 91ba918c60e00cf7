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

    /// Once the time limit has passed, every request fails with `timedOut` at once, naming the file and time.
    @Test func timeLimitFailsEveryLaterRequest() async throws {
        // (The work pool is shared by every test running at once: the first image may wait its turn.)
        let asset = try await MediaAsset.open(path: path, limits: AssetLimits(timeLimit: .seconds(3)))
        let generator = AssetImageGenerator(asset: asset)
        _ = try await generator.image(at: MediaTime(seconds: 1))
        try await Task.sleep(for: .milliseconds(3100))
        let started = ContinuousClock.now
        var codes: [FrameGrabError.Code] = []
        for await result in generator.images(for: [MediaTime(seconds: 2), MediaTime(seconds: 8)]) {
            if case .failure(_, let error) = result {
                codes.append(error.code)
                #expect(error.message.contains(path) && error.message.contains("3 s"), "\(error)")
            }
        }
        #expect(codes == [.timedOut, .timedOut])
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func noTimeLimitByDefault() throws {
        #expect(AssetLimits.default.timeLimit == nil)
        #expect(AssetLimits.default.maximumPixelCount == 16384 * 16384)
    }

    @Test(arguments: [("..", "_.."), (".", "_."), ("", "_"), ("a/b", "a_b"), ("line\nbreak", "line_break"),
                      ("tab\there", "tab_here"), ("it's \"q\" ü 東京", "it's \"q\" ü 東京"), ("...", "...")])
    func safeComponent(input: String, expected: String) {
        #expect(OutputTemplate.safeComponent(input) == expected)
    }

    @Test(arguments: [("../../etc", "_../_../etc"), ("/abs/path", "abs/path"), ("./a/./b", "a/b"), ("a//b/", "a/b"),
                      ("a/../..", "a/_../_.."), ("", "")])
    func safeRelativePathNeverClimbs(input: String, expected: String) {
        let safe = OutputTemplate.safeRelativePath(input)
        #expect(safe == expected)
        #expect(!safe.hasPrefix("/") && !safe.split(separator: "/").contains(".."))
    }
}
