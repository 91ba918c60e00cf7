
/// One request of `AssetImageGenerator.results(for:)`: a time, and what it may get instead of a blank frame.
public struct FrameRequest: Sendable, Equatable {
    /// The time asked for.
    public var time: MediaTime
    /// When set, a blank frame at `time` is replaced by the nearest frame that is not and is shown at a time
    /// in this range (see `BlankFrameCheck`); it overrides `GenerationSettings.nonBlankWithin`.
    public var nonBlankRange: ClosedRange<MediaTime>?

    /// A request for `time`; a blank frame there is kept unless the generator's settings say otherwise.
    public init(time: MediaTime) {
        self.time = time
    }

    /// A request for `time` whose answer avoids blank frames within `range` (a slice of the video that holds
    /// `time`: a contact sheet's tile keeps to its own).
    public init(time: MediaTime, nonBlankIn range: ClosedRange<MediaTime>) {
        self.time = time
        nonBlankRange = range
    }

    /// A request for `time` whose answer avoids blank frames no farther than `distance` from it.
    public init(time: MediaTime, nonBlankWithin distance: MediaTime) {
        let distance = GenerationSettings.validTolerance(distance)
        self.init(time: time, nonBlankIn: (time - distance)...(time + distance))
    }
}

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
        let settings: GenerationSettings
        let cancellationMark: Int
        /// Where each request's answer may lie instead of a blank frame (nil: a blank frame is kept).
        var nonBlankRanges: [ClosedRange<MediaTime>?]? = nil

        /// Starts a run over the requests. Each iterator answers them all afresh, and stops its run when it
        /// goes away.
        public func makeAsyncIterator() -> Iterator {
            Iterator(owner: RunOwner(GenerationRun(generator: generator, times: times, settings: settings,
                                                   cancellationMark: cancellationMark,
                                                   nonBlankRanges: nonBlankRanges)))
        }

        /// Hands out the results of one run, in timeline order. Not `Sendable`: use it from one task.
        public struct Iterator: AsyncIteratorProtocol {
            let owner: RunOwner

            /// The next result, suspending until it is ready; nil once every request is answered, or at once
            /// when the consuming task is cancelled (which stops the run).
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
        /// One answer: the image and the time of the frame it shows, or the error, each with the time
        /// requested.
        public enum Element: Sendable {
            /// The image made for `requestedTime`, and the presentation time of the frame it shows.
            case success(requestedTime: MediaTime, image: FrameImage, actualTime: MediaTime)
            /// Why no image could be made for `requestedTime`.
            case failure(requestedTime: MediaTime, error: FrameGrabError)

            /// The time asked for, in either case.
            public var requestedTime: MediaTime {
                switch self {
                case .success(let time, _, _), .failure(let time, _): return time
                }
            }

            /// The image; throws the error of a failure.
            public var image: FrameImage {
                get throws(FrameGrabError) {
                    switch self {
                    case .success(_, let image, _): return image
                    case .failure(_, let error): throw error
                    }
                }
            }

            /// Presentation time of the frame the image shows; throws the error of a failure.
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

        /// Starts a run over the requests, as `Results.makeAsyncIterator()` does.
        public func makeAsyncIterator() -> Iterator {
            Iterator(base: results.makeAsyncIterator())
        }

        /// Hands out the answers of one run, in timeline order. Not `Sendable`: use it from one task.
        public struct Iterator: AsyncIteratorProtocol {
            var base: Results.Iterator

            /// The next answer, suspending until it is ready; nil once every request is answered, or when
            /// the consuming task is cancelled.
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
