import FrameGrab
import TestSupport
import Testing

@Suite struct CancellationTests {
    static let manyTimes = (0..<200).map { MediaTime(value: Int64($0) * 49, timescale: 1000) }

    /// One decoder thread answers on the consumer's thread; several run decode lanes ahead of it.
    @Test(arguments: [1, 2])
    func cancelAllImageGenerationFailsThePendingRequests(threads: Int) async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        generator.decoderThreadCount = threads
        var succeeded = 0
        var cancelled = 0
        for await result in generator.images(for: Self.manyTimes) {
            switch result {
            case .success:
                succeeded += 1
                if succeeded == 3 { generator.cancelAllImageGeneration() }
            case .failure(_, let error):
                #expect(error.code == .cancelled)
                cancelled += 1
            }
        }
        #expect(succeeded == 3)
        #expect(cancelled == Self.manyTimes.count - 3)
        // A new run after the cancellation works again.
        let (image, _) = try await generator.image(at: MediaTime(seconds: 1))
        #expect(frameNumber(in: image) == 25)
    }

    @Test(arguments: [1, 2])
    func cancellingTheConsumingTaskEndsTheSequence(threads: Int) async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        generator.decoderThreadCount = threads
        let task = Task { () -> Int in
            var count = 0
            for await result in generator.images(for: Self.manyTimes) {
                _ = try? result.image
                count += 1
                if count == 5 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        let count = await task.value
        // The request being answered when the task was cancelled may still come back, as a cancellation.
        #expect(count >= 5 && count <= 6)
        #expect(generator.statistics.framesDecoded < 60)
    }

    @Test func theImagesElementMirrorsAVFoundation() async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        var elements: [AssetImageGenerator.Images.Element] = []
        for await element in generator.images(for: [MediaTime(seconds: 2), MediaTime(seconds: 60)]) { elements.append(element) }
        #expect(elements.count == 2)
        #expect(elements[0].requestedTime == MediaTime(seconds: 2))
        #expect(try elements[0].actualTime == MediaTime(seconds: 2))
        #expect(frameNumber(in: try elements[0].image) == 50)
        #expect(throws: FrameGrabError.self) { try elements[1].image }
        #expect(throws: FrameGrabError.self) { try elements[1].actualTime }
    }
}
