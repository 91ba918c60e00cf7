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
    /// Decoding happens inside `next()`, one request at a time, or, when the requests fall between several
    /// keyframes and there are cores to spare, on decode lanes that work a bounded distance ahead of the
    /// consumer (a few images per core). Either way at most a few frames are held at once however many times
    /// are asked for. Cancelling the consuming task stops decoding promptly and ends the sequence.
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
                let run = self.run, lanes = run.lanes
                // A consumer waiting for a decode lane is woken by the cancellation of its task.
                return await withTaskCancellationHandler { run.next() } onCancel: { lanes.stop() }
            }
        }
    }

    /// The state of one pass over a list of requests: the plan and, once needed, the decoders.
    ///
    /// With one group of requests (see `RequestPlan.groups`) or one thread to use, requests are answered on
    /// the consumer's thread inside `next()`, one at a time. With several groups and several cores, decode
    /// lanes answer whole groups on threads of their own, a bounded distance ahead of the consumer.
    public final class Run {
        private let generator: AssetImageGenerator
        private let configuration: Configuration
        private let cancellationMark: Int
        private let times: [MediaTime]
        /// Request positions, sorted by requested time (ties keep their order).
        private let order: [Int]
        private var position = 0
        private var answerer: RequestAnswerer?
        /// For each position in timeline order: whether it is the last of its group, the last request that
        /// the frames decoded for it serve.
        private var endsGroup: [Bool] = []
        /// The decode lanes, started only when the plan calls for them.
        let lanes = DecodeLanes()
        private var parallel = false
        private var finished = false

        /// Finished results each group of a decode lane may hold while the consumer reads an earlier one.
        static let resultsAheadPerLane = 1

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

        deinit { lanes.stop() }

        func next() -> ImageResult? {
            guard !finished else { return nil }
            if Task.isCancelled || position >= order.count {
                finish()
                return nil
            }
            let index = order[position]
            position += 1
            if answerer == nil && !parallel { start() }
            if parallel {
                guard let result = lanes.next() else {
                    finish()
                    return nil
                }
                // Answered ahead, but cancelled before being handed over: pending requests end as cancelled.
                if generator.isCancelled(since: cancellationMark) {
                    let time = result.requestedTime
                    return ImageResult(requestIndex: index, requestedTime: time,
                                       outcome: .failure(FrameGrabError(cancelled: generator.asset.path, time: time)))
                }
                return result
            }
            return answerer?.answer(times[index], index: index, last: endsGroup[position - 1])
        }

        /// Plans from the index: decode lanes when there are several groups and threads to spare, else
        /// one answerer on the consumer's thread.
        private func start() {
            let generator = self.generator, configuration = self.configuration, mark = cancellationMark
            let times = self.times, order = self.order
            let budget = configuration.decoderThreadCount > 0 ? configuration.decoderThreadCount : ProcessInfo.processInfo.activeProcessorCount
            var demuxer: FormatContext?
            // Without a plan every request is taken to share decoding with the next.
            var groups = [0..<order.count]
            if generator.asset.videoTrack.isDecodable, let format = try? generator.asset.takeDemuxer() {
                demuxer = format
                let stream = generator.asset.videoTrack.streamIndex
                let timeBase = format.timeBase(stream: stream), origin = format.timelineOrigin(stream: stream)
                let targets = order.map { times[$0].isNumeric ? FrameExtractor.tick(for: times[$0], timeBase: timeBase, origin: origin) : nil }
                groups = RequestPlan.groups(targets: targets, keyframes: format.index(stream: stream).keyframes,
                                            delay: format.indexDelay(stream: stream))
            }
            var ends = Array(repeating: false, count: order.count)
            for group in groups where !group.isEmpty { ends[group.upperBound - 1] = true }
            let endsGroup = ends
            self.endsGroup = endsGroup
            let size = generator.asset.videoTrack.encodedSize
            let laneCount = RequestPlan.laneCount(threads: budget, groups: groups.count, pixelsPerFrame: size.width * size.height)
            guard laneCount > 1, let demuxer else {
                answerer = RequestAnswerer(generator: generator, configuration: configuration, threads: budget, demuxer: demuxer,
                                           isCancelled: { Task.isCancelled || generator.isCancelled(since: mark) })
                return
            }
            parallel = true
            let lanes = self.lanes
            let first = DemuxerBox(demuxer)
            lanes.start(groups: groups, lanes: laneCount, capacity: Self.resultsAheadPerLane) { lane in
                let answerer = RequestAnswerer(generator: generator, configuration: configuration, threads: budget / laneCount,
                                               demuxer: lane == 0 ? first.format : nil,
                                               isCancelled: { lanes.isStopped || generator.isCancelled(since: mark) })
                return { position in answerer.answer(times[order[position]], index: order[position], last: endsGroup[position]) }
            }
        }

        /// Releases the decoders as soon as the sequence ends.
        private func finish() {
            finished = true
            lanes.stop()
            answerer = nil
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
