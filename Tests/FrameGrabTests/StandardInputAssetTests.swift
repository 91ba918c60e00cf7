import Foundation
import FrameGrab
import TestSupport
import Testing

/// The library reading standard input (`MediaAsset.open(path: "-")`): for the length of a test, the
/// process's standard input is a pipe the test writes a video into.
@Suite(.serialized) struct StandardInputAssetTests {
    struct PipeFailure: Error {}

    /// Runs `body` with the process's standard input reading `bytes` from a pipe, then puts it back.
    static func withStandardInput<T>(_ bytes: Data, _ body: () async throws -> T) async throws -> T {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw PipeFailure() }
        // A writer left with nothing to read its pipe must get an error, not kill the tests.
        signal(SIGPIPE, SIG_IGN)
        let saved = dup(STDIN_FILENO)
        dup2(ends[0], STDIN_FILENO)
        close(ends[0])
        let writer = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        Thread {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }.start()
        defer {
            dup2(saved, STDIN_FILENO)
            close(saved)
        }
        return try await body()
    }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))) }

    /// One pass answers requests in any order, each with the frame on screen at its time, a keyframe
    /// tolerance too (the exact frame is in every window); the asset says it reads once, and what would read
    /// it again fails with `needsSeekableInput`.
    @Test func onePassAnswersEveryRequest() async throws {
        let name = "vp9.webm"
        let video = Fixtures.video(name)
        try await Self.withStandardInput(try Self.bytes(name)) {
            let asset = try await MediaAsset.open(path: MediaLocation.standardInput)
            #expect(asset.readsOnce && asset.path == "stdin" && asset.duration.isNumeric)
            #expect(try await asset.measuredVideoDuration() == asset.videoDuration)
            let generator = AssetImageGenerator(asset: asset)
            generator.requestedTimeToleranceBefore = .positiveInfinity
            generator.requestedTimeToleranceAfter = .positiveInfinity
            let times = [4.1, 0.5, 2.25, 0.5, 5.9].map { MediaTime(seconds: $0) }
            var answered = 0
            for await result in generator.results(for: times) {
                let generated = try result.outcome.get()
                let expected = try #require(video.frameShown(at: result.requestedTime))
                #expect(frameNumber(in: generated.image) == expected && generated.actualTime == video.time(ofFrame: expected),
                        "at \(result.requestedTime)")
                answered += 1
            }
            #expect(answered == times.count)
            for await result in AssetImageGenerator(asset: asset).results(for: [MediaTime(seconds: 1)]) {
                guard case .failure(let error) = result.outcome else { Issue.record("a second pass over standard input"); continue }
                #expect(error.code == .needsSeekableInput, "\(error)")
            }
        }
    }

    /// A container that states no length (MPEG-TS) gives `.invalid`, and measuring it fails at once; its
    /// keyframe times can be read, once.
    @Test func aLengthNotStatedIsNotGuessed() async throws {
        let name = "h264-offset.ts"
        let video = Fixtures.video(name)
        try await Self.withStandardInput(try Self.bytes(name)) {
            let asset = try await MediaAsset.open(path: MediaLocation.standardInput)
            #expect(asset.readsOnce && !asset.duration.isNumeric && !asset.videoDuration.isNumeric)
            await #expect(throws: FrameGrabError.self) { try await asset.measuredVideoDuration() }
            let keyframes = try await asset.keyframeTimes()
            #expect(keyframes == video.keyframeIndices.map { video.time(ofFrame: $0) })
            do {
                _ = try await asset.keyframeTimes()
                Issue.record("read twice")
            } catch {
                #expect((error as? FrameGrabError)?.code == .needsSeekableInput, "\(error)")
            }
        }
    }
}
