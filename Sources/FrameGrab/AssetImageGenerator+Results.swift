import CFFmpeg
import Foundation

extension AssetImageGenerator {
    /// The results of `results(for:)`, in timeline order, each as soon as it is ready.
    ///
    /// ```swift
    /// for await result in generator.results(for: times) {
    ///     print(result.requestIndex, result.requestedTime, result.outcome)
    /// }
    /// ```
    /// Decoding happens inside `next()`, one request at a time, so nothing is decoded ahead of the consumer
    /// and at most a few frames are held at once however many times are asked for. Cancelling the consuming
    /// task stops decoding promptly and ends the sequence.
    public struct Results: AsyncSequence, Sendable {
        public typealias Element = ImageResult

        let generator: AssetImageGenerator
        let times: [MediaTime]
        let configuration: Configuration
        let cancellationMark: Int

        public func makeAsyncIterator() -> Iterator {
            Iterator(run: Run(results: self))
        }

        public struct Iterator: AsyncIteratorProtocol {
            let run: Run

            public mutating func next() async -> ImageResult? {
                run.next()
            }
        }
    }

    /// The state of one pass over a list of requests: the plan and, once needed, the decoder.
    public final class Run {
        private let generator: AssetImageGenerator
        private let configuration: Configuration
        private let cancellationMark: Int
        private let times: [MediaTime]
        /// Request positions, sorted by requested time (ties keep their order).
        private let order: [Int]
        private var position = 0
        private var extractor: FrameExtractor?
        private var setupError: FrameGrabError?
        private var finished = false

        init(results: Results) {
            generator = results.generator
            configuration = results.configuration
            cancellationMark = results.cancellationMark
            let times = results.times
            self.times = times
            order = times.indices.sorted { a, b in
                let (ta, tb) = (times[a], times[b])
                return ta == tb ? a < b : ta < tb
            }
        }

        func next() -> ImageResult? {
            guard !finished else { return nil }
            if Task.isCancelled || position >= order.count {
                finish()
                return nil
            }
            let index = order[position]
            position += 1
            let time = times[index]
            let before = extractor?.statistics ?? GenerationStatistics()
            let outcome = answer(time)
            if let extractor { generator.record(extractor.statistics - before) }
            return ImageResult(requestIndex: index, requestedTime: time, outcome: outcome)
        }

        private var path: String { generator.asset.path }

        private func answer(_ time: MediaTime) -> Result<GeneratedImage, FrameGrabError> {
            if generator.isCancelled(since: cancellationMark) {
                return .failure(FrameGrabError(.cancelled, "\(path) at \(time): cancelled", path: path, requestedTime: time))
            }
            guard time.isNumeric else {
                return .failure(FrameGrabError(.invalidTime, "\(path): \(time) is not a time in the video", path: path, requestedTime: time))
            }
            if let setupError { return .failure(setupError.at(time)) }
            let extractor: FrameExtractor
            if let existing = self.extractor {
                extractor = existing
            } else {
                do {
                    extractor = try makeExtractor()
                } catch {
                    setupError = error
                    return .failure(error.at(time))
                }
                self.extractor = extractor
            }
            let target = extractor.tick(for: time)
            let lower = extractor.tick(for: time - configuration.toleranceBefore)
            let upper = extractor.tick(for: time + configuration.toleranceAfter)
            do {
                let picture = try extractor.picture(at: target, lower: lower, upper: upper)
                return .success(GeneratedImage(image: picture.image, actualTime: extractor.time(forTick: picture.pts),
                                               isKeyframe: picture.isKeyframe))
            } catch {
                let where_ = "\(path) at \(time)"
                switch error {
                case .beyondEnd(let end):
                    return .failure(FrameGrabError(.beyondEnd, "\(where_): past the end of the video (its last frame ends at \(extractor.time(forTick: end)))", path: path, requestedTime: time))
                case .decodeFailed(let why):
                    return .failure(FrameGrabError(.decodeFailed, "\(where_): \(why)", path: path, requestedTime: time))
                case .cancelled:
                    return .failure(FrameGrabError(.cancelled, "\(where_): cancelled", path: path, requestedTime: time))
                case .timedOut:
                    return .failure(FrameGrabError(timedOut: path, limit: generator.asset.limits.timeLimit, time: time))
                case .tooLarge(let size):
                    return .failure(FrameGrabError(tooLarge: size, limit: generator.asset.limits.maximumPixelCount, path: path, time: time))
                }
            }
        }

        private func makeExtractor() throws(FrameGrabError) -> FrameExtractor {
            let settings = FrameExtractor.Settings(maximumSize: configuration.maximumSize,
                                                   aperture: configuration.apertureMode,
                                                   appliesOrientation: configuration.appliesPreferredTrackTransform,
                                                   depth: configuration.outputDepth, hdr: configuration.hdrPolicy,
                                                   deinterlaces: configuration.deinterlaces)
            let generator = self.generator, mark = cancellationMark
            // Exact requests decode runs of frames, where frame threading pays; keyframe windows decode
            // single frames right after seeks, where its latency (a frame per thread) is pure waste.
            let exact = configuration.toleranceBefore == .zero && configuration.toleranceAfter == .zero
            return try FrameExtractor(asset: generator.asset, settings: settings, threads: configuration.decoderThreadCount,
                                      frameThreads: exact,
                                      isCancelled: { Task.isCancelled || generator.isCancelled(since: mark) })
        }

        /// Releases the decoder as soon as the sequence ends.
        private func finish() {
            finished = true
            extractor = nil
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
