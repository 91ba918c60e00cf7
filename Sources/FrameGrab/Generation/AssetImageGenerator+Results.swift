
extension AssetImageGenerator {
    /// The results of `results(for:)`, in timeline order, each as soon as it is ready.
    ///
    /// ```swift
    /// for await result in generator.results(for: times) {
    ///     print(result.requestIndex, result.requestedTime, result.outcome)
    /// }
    /// ```
    /// The work is done on the process's `WorkPool`, never on the consuming task's thread: `next()`
    /// suspends until the result is ready. When the requests fall between several keyframes and there are
    /// cores to spare, several decoders (lanes) answer groups of them at once, a bounded distance ahead of the
    /// consumer; at most a few images per lane are held, within the process's `ImageBudget`, however many
    /// times are asked for. Cancelling the consuming task stops decoding promptly and ends the sequence;
    /// `cancelAllImageGeneration()` instead answers every pending request with a `cancelled` failure.
    public struct Results: AsyncSequence, Sendable {
        public typealias Element = ImageResult

        let generator: AssetImageGenerator
        let times: [MediaTime]
        let configuration: Configuration
        let cancellationMark: Int

        public func makeAsyncIterator() -> Iterator {
            Iterator(owner: RunOwner(GenerationRun(generator: generator, times: times, configuration: configuration,
                                                   cancellationMark: cancellationMark)))
        }

        public struct Iterator: AsyncIteratorProtocol {
            let owner: RunOwner

            public mutating func next() async -> ImageResult? {
                await owner.run.next()
            }
        }

        /// Stops its run when the iterator goes away (the jobs on the pool keep the run itself alive).
        final class RunOwner: Sendable {
            let run: GenerationRun
            init(_ run: GenerationRun) { self.run = run }
            deinit { run.stop() }
        }
    }

    /// The AVFoundation-shaped view of `results(for:)`: each element is `.success(requestedTime:image:actualTime:)`
    /// or `.failure(requestedTime:error:)`.
    public struct Images: AsyncSequence, Sendable {
        public enum Element: Sendable {
            case success(requestedTime: MediaTime, image: FrameImage, actualTime: MediaTime)
            case failure(requestedTime: MediaTime, error: FrameGrabError)

            public var requestedTime: MediaTime {
                switch self {
                case .success(let time, _, _), .failure(let time, _): return time
                }
            }

            public var image: FrameImage {
                get throws(FrameGrabError) {
                    switch self {
                    case .success(_, let image, _): return image
                    case .failure(_, let error): throw error
                    }
                }
            }

            public var actualTime: MediaTime {
                get throws(FrameGrabError) {
                    switch self {
                    case .success(_, _, let time): return time
                    case .failure(_, let error): throw error
                    }
                }
            }
        }

        let results: Results

        public func makeAsyncIterator() -> Iterator {
            Iterator(base: results.makeAsyncIterator())
        }

        public struct Iterator: AsyncIteratorProtocol {
            var base: Results.Iterator

            public mutating func next() async -> Element? {
                guard let result = await base.next() else { return nil }
                switch result.outcome {
                case .success(let generated):
                    return .success(requestedTime: result.requestedTime, image: generated.image, actualTime: generated.actualTime)
                case .failure(let error):
                    return .failure(requestedTime: result.requestedTime, error: error)
                }
            }
        }
    }
}

@available(*, unavailable)
extension AssetImageGenerator.Results.Iterator: Sendable {}

@available(*, unavailable)
extension AssetImageGenerator.Images.Iterator: Sendable {}
