import Foundation
import Locking
import Synchronization

/// One pass of a generator over a list of requests: the state machine behind `Results`.
///
/// Requests are answered in timeline order by lanes: a lane is one decoder (`RequestAnswerer`) that takes
/// whole groups of requests (runs that no keyframe separates, see `RequestPlan.groups`), so that separate
/// lanes never decode the same frames. Every piece of work — planning, answering one request — is a job on
/// the process's `WorkPool`; no job ever waits for another or for the consumer. The consumer's `next()`
/// suspends on a continuation until the result for its position is there.
///
/// Bounded work: a lane answers ahead of the consumer only inside the `laneCount` groups from the one being
/// read, at most `resultsAheadPerGroup` results per group, and only while the process's `ImageBudget` has
/// room for the images; the result the consumer waits for is always worked on.
///
/// (Just over 300 lines: the state machine's transitions are kept in one file, so that every change of
/// `State` can be read in one place.)
final class GenerationRun: Sendable {
    /// Results a group may hold ahead of the consumer.
    static let resultsAheadPerGroup = 2

    private let generator: AssetImageGenerator
    private let settings: GenerationSettings
    private let cancellationMark: Int
    private let times: [MediaTime]
    private let nonBlankRanges: [ClosedRange<MediaTime>?]
    /// Request positions, sorted by requested time (ties keep their order).
    private let order: [Int]
    private let pool: WorkPool
    private let budget: ImageBudget
    /// The memory one image of this run takes, for the budget.
    private let imageBytes: Int
    private let stopped = Atomic<Bool>(false)
    /// Set by `stop()`: ends the blocking FFmpeg calls of this run's demuxers at once.
    private let cancellation = CancellationFlag()
    private let state = Lock(State())

    private struct Lane {
        var answerer: AnswererBox?
        var group: Int?
        var next = 0
        var busy = false
    }

    private enum Phase { case unplanned, planning, planned }

    private struct State {
        var phase = Phase.unplanned
        var groups: [Range<Int>] = []
        /// For each position: its group, and whether it is the last of it.
        var groupOf: [Int] = []
        var endsGroup: [Bool] = []
        var lanes: [Lane] = []
        var threadsPerLane = 1
        var spareDemuxer: DemuxerBox?
        /// The stream's index, read once by planning for every lane.
        var index: StreamIndex?
        var claimed = 0
        var finished: [Int: ImageResult] = [:]
        var heldPerGroup: [Int] = []
        var reading = 0
        var waiting: CheckedContinuation<ImageResult?, Never>?
        var waitsForBudget = false
        var done = false
    }

    init(generator: AssetImageGenerator, times: [MediaTime], settings: GenerationSettings,
         cancellationMark: Int, nonBlankRanges: [ClosedRange<MediaTime>?]? = nil, pool: WorkPool = .shared,
         budget: ImageBudget = .shared) {
        self.generator = generator
        self.settings = settings
        self.cancellationMark = cancellationMark
        self.times = times
        self.nonBlankRanges = nonBlankRanges ?? times.map { settings.nonBlankRange(around: $0) }
        self.pool = pool
        self.budget = budget
        order = times.indices.sorted { a, b in
            let (ta, tb) = (times[a], times[b])
            return ta == tb ? a < b : ta < tb
        }
        imageBytes = ImageBudget.bytes(of: generator.asset.videoTrack, settings: settings)
    }

    deinit { stop() }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// The next result in timeline order, or nil at the end; suspends until it is ready. Cancelling the
    /// calling task stops the run and ends the sequence.
    func next() async -> ImageResult? {
        if Task.isCancelled {
            stop()
            return nil
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ImageResult?, Never>) in
                let jobs = state.withLock { state -> [@Sendable () -> Void] in
                    if state.done || state.reading >= order.count {
                        state.done = true
                        continuation.resume(returning: nil)
                        return []
                    }
                    state.waiting = continuation
                    deliver(&state)
                    return pump(&state)
                }
                for job in jobs { pool.submit(job) }
            }
        } onCancel: {
            stop()
        }
        // Once more under the lock the result was handed over under, so that ThreadSanitizer sees the job
        // that made it ordered before this task's reads. (The continuation orders them too, but when it is
        // resumed before this task has suspended, with atomics inside the Swift runtime that TSan does not
        // see.) One lock more per result.
        state.withLock { _ in }
        return result
    }

    /// Ends the run: a waiting consumer gets nil, lanes stop after the request they are on, decoders are
    /// released (on the pool: freeing them joins FFmpeg's threads).
    func stop() {
        stopped.store(true, ordering: .relaxed)
        cancellation.set()
        // (Results dropped here give their budget back as they go: see `ImageBudget.Share`.)
        let (waiting, idle, held) = state.withLock { state -> (CheckedContinuation<ImageResult?, Never>?, [AnswererBox], [Int: ImageResult]) in
            state.done = true
            let waiting = state.waiting
            state.waiting = nil
            let held = state.finished
            state.finished.removeAll()
            var idle: [AnswererBox] = []
            for index in state.lanes.indices where !state.lanes[index].busy {
                if let answerer = state.lanes[index].answerer { idle.append(answerer) }
                state.lanes[index].answerer = nil
            }
            return (waiting, idle, held)
        }
        withExtendedLifetime(held) {}
        waiting?.resume(returning: nil)
        if !idle.isEmpty { pool.submit { withExtendedLifetime(idle) {} } }
    }

    // MARK: Scheduling (always under the lock)

    /// Hands the result for the reading position to a waiting consumer, when it is there.
    private func deliver(_ state: inout State) {
        guard let continuation = state.waiting else { return }
        if state.reading >= order.count {
            state.waiting = nil
            state.done = true
            continuation.resume(returning: nil)
            return
        }
        guard let result = state.finished.removeValue(forKey: state.reading) else { return }
        state.heldPerGroup[state.groupOf[state.reading]] -= 1
        state.reading += 1
        state.waiting = nil
        continuation.resume(returning: handedOver(result))
    }

    /// A result answered ahead but handed over after `cancelAllImageGeneration()`: pending requests end as
    /// cancelled, whenever their answer was computed.
    private func handedOver(_ result: ImageResult) -> ImageResult {
        guard generator.isCancelled(since: cancellationMark), case .success = result.outcome else { return result }
        let time = result.requestedTime
        return ImageResult(requestIndex: result.requestIndex, requestedTime: time,
                           outcome: .failure(FrameGrabError(cancelled: generator.asset.path, time: time)))
    }

    /// The jobs to start now: planning first, then each idle lane's next request where the bounds allow.
    private func pump(_ state: inout State) -> [@Sendable () -> Void] {
        guard !state.done else { return [] }
        switch state.phase {
        case .unplanned:
            state.phase = .planning
            return [{ [self] in plan() }]
        case .planning:
            return []
        case .planned:
            break
        }
        var jobs: [@Sendable () -> Void] = []
        let readingGroup = state.reading < order.count ? state.groupOf[state.reading] : state.groups.count
        for lane in state.lanes.indices where !state.lanes[lane].busy {
            if state.lanes[lane].group == nil {
                guard state.claimed < state.groups.count, state.claimed < readingGroup + state.lanes.count else { continue }
                state.lanes[lane].group = state.claimed
                state.lanes[lane].next = state.groups[state.claimed].lowerBound
                state.claimed += 1
            }
            let group = state.lanes[lane].group!, position = state.lanes[lane].next
            if position != state.reading {
                // Work ahead of the consumer: bounded per group and by the process's budget.
                guard state.heldPerGroup[group] < Self.resultsAheadPerGroup else { continue }
                guard budget.tryReserve(imageBytes) else {
                    if !state.waitsForBudget {
                        state.waitsForBudget = true
                        budget.notifyWhenFreed { [weak self] in self?.budgetFreed() }
                    }
                    continue
                }
            } else {
                budget.reserve(imageBytes)
            }
            state.lanes[lane].busy = true
            if state.lanes[lane].answerer == nil {
                let demuxer = lane == 0 ? state.spareDemuxer : nil
                if lane == 0 { state.spareDemuxer = nil }
                state.lanes[lane].answerer = AnswererBox(RequestAnswerer(
                    generator: generator, settings: settings, threads: state.threadsPerLane, demuxer: demuxer?.format, index: state.index,
                    cancellation: cancellation, isCancelled: { [weak self] in self?.isCancelled ?? true }))
            }
            let answerer = state.lanes[lane].answerer!, last = state.endsGroup[position]
            jobs.append { [self] in answer(position, lane: lane, answerer: answerer, last: last) }
        }
        return jobs
    }

    private var isCancelled: Bool { isStopped || generator.isCancelled(since: cancellationMark) }

    private func budgetFreed() {
        let jobs = state.withLock { state -> [@Sendable () -> Void] in
            state.waitsForBudget = false
            return pump(&state)
        }
        for job in jobs { pool.submit(job) }
    }

    // MARK: Jobs (on the pool)

    /// Plans from the index: the groups of requests, and how many lanes take them.
    private func plan() {
        let generator = self.generator, times = self.times, order = self.order
        let budget = settings.decoderThreadCount > 0 ? settings.decoderThreadCount : ProcessInfo.processInfo.activeProcessorCount
        var demuxer: FormatContext?
        var index: StreamIndex?
        // Without a plan every request is taken to share decoding with the next.
        var groups = [0..<order.count]
        let deadline = generator.asset.deadline
        deadline.begin()
        defer { deadline.end() }
        if !isCancelled, generator.asset.videoTrack.isDecodable, let format = try? generator.asset.takeDemuxer() {
            format.stop(when: cancellation)
            demuxer = format
            let stream = generator.asset.videoTrack.streamIndex
            let scale = TimeScale(timeBase: format.timeBase(stream: stream), origin: format.timelineOrigin(stream: stream))
            let targets = order.map { times[$0].isNumeric ? scale.tick(for: times[$0]) : nil }
            var streamIndex = format.streamIndex(stream: stream)
            // Read once: one lane, one forward pass, no keyframe to seek to.
            if generator.asset.readsOnce { streamIndex = streamIndex.withoutKeyframes }
            index = streamIndex
            groups = RequestPlan.groups(targets: targets, keyframes: streamIndex.sortedTimestamps, delay: streamIndex.delay)
        }
        let size = generator.asset.videoTrack.encodedSize
        let laneCount = demuxer == nil ? 1
            : RequestPlan.laneCount(threads: budget, groups: groups.count, pixelsPerFrame: size.width * size.height)
        var groupOf = Array(repeating: 0, count: order.count), endsGroup = Array(repeating: false, count: order.count)
        for (number, group) in groups.enumerated() where !group.isEmpty {
            for position in group { groupOf[position] = number }
            endsGroup[group.upperBound - 1] = true
        }
        let jobs = state.withLock { state -> [@Sendable () -> Void] in
            state.groups = groups
            state.groupOf = groupOf
            state.endsGroup = endsGroup
            state.heldPerGroup = Array(repeating: 0, count: groups.count)
            state.lanes = Array(repeating: Lane(), count: laneCount)
            state.threadsPerLane = max(1, budget / laneCount)
            state.spareDemuxer = demuxer.map(DemuxerBox.init)
            state.index = index
            state.phase = .planned
            deliver(&state)
            return pump(&state)
        }
        for job in jobs { pool.submit(job) }
    }

    /// Answers the request at `position` on `lane`'s decoder.
    private func answer(_ position: Int, lane: Int, answerer: AnswererBox, last: Bool) {
        let index = order[position]
        var result = generator.asset.deadline.working {
            answerer.answerer.answer(times[index], nonBlankIn: nonBlankRanges[index], index: index, last: last)
        }
        // The budget taken for this answer goes with its image, or at once when there is none.
        let share = ImageBudget.Share(budget, bytes: imageBytes)
        if case .success(var generated) = result.outcome {
            generated.budgetShare = share
            result = ImageResult(requestIndex: result.requestIndex, requestedTime: result.requestedTime, outcome: .success(generated))
        }
        withExtendedLifetime(share) {}
        var release: AnswererBox?
        let jobs = state.withLock { state -> [@Sendable () -> Void] in
            state.lanes[lane].busy = false
            guard !state.done else {
                // Stopped meanwhile: the result goes, and so does the decoder.
                release = state.lanes[lane].answerer
                state.lanes[lane].answerer = nil
                return []
            }
            state.finished[position] = result
            state.heldPerGroup[state.groupOf[position]] += 1
            state.lanes[lane].next = position + 1
            if let group = state.lanes[lane].group, position + 1 >= state.groups[group].upperBound {
                state.lanes[lane].group = nil
            }
            deliver(&state)
            return pump(&state)
        }
        withExtendedLifetime(release) {}
        for job in jobs { pool.submit(job) }
    }
}

/// A lane's decoder: used by one job at a time (the lane's `busy` flag), on whichever pool thread runs it.
final class AnswererBox: @unchecked Sendable {
    let answerer: RequestAnswerer
    init(_ answerer: RequestAnswerer) { self.answerer = answerer }
}
