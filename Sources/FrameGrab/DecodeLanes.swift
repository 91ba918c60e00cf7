import Foundation
import Synchronization

/// Answers groups of requests on several threads at once and hands the results over in timeline order.
///
/// A group is a run of requests that no keyframe of the index separates (see `RequestPlan.groups`), so
/// groups share no decoding: each lane (a thread with its own demuxer and decoder) takes whole groups, in
/// order, and nothing is decoded twice. Memory stays bounded however many requests there are: lanes work
/// only on the `lanes` groups from the one being read, and each group holds at most `capacity` finished
/// results before its lane waits for the reader.
final class DecodeLanes: @unchecked Sendable {
    /// Answers the request at a position of the timeline order; made on its lane's thread, used only there.
    typealias Worker = (_ position: Int) -> ImageResult

    private let stopped = Atomic<Bool>(false)
    /// Guards everything below.
    private let condition = NSCondition()
    private var groups: [Range<Int>] = []
    private var finished: [[ImageResult]] = []
    private var complete: [Bool] = []
    private var claimed = 0
    private var reading = 0
    private var lanes = 0
    private var capacity = 1

    /// True once `stop()` was called: lanes end as soon as they notice.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Starts `lanes` threads over `groups` (ranges of positions in timeline order). `makeWorker(lane)` runs
    /// on the lane's thread; the worker it returns is released there when the lane ends.
    func start(groups: [Range<Int>], lanes: Int, capacity: Int, makeWorker: @escaping @Sendable (_ lane: Int) -> Worker) {
        condition.withLock {
            self.groups = groups
            finished = Array(repeating: [], count: groups.count)
            complete = Array(repeating: false, count: groups.count)
            self.lanes = lanes
            self.capacity = max(1, capacity)
        }
        for lane in 0..<lanes {
            let thread = Thread { [self] in run(makeWorker(lane)) }
            thread.name = "framegrab decode \(lane)"
            thread.start()
        }
    }

    /// The next result in timeline order, waiting for it. Nil when every group has been read, or after `stop()`.
    func next() -> ImageResult? {
        condition.withLock {
            while !isStopped, reading < groups.count {
                if !finished[reading].isEmpty {
                    condition.broadcast()
                    return finished[reading].removeFirst()
                }
                if complete[reading] {
                    reading += 1
                    condition.broadcast()
                    continue
                }
                condition.wait()
            }
            return nil
        }
    }

    /// Ends the lanes (each finishes the frame it is decoding) and wakes everyone waiting.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        condition.withLock { condition.broadcast() }
    }

    private func run(_ worker: Worker) {
        while let group = claim() {
            for position in groups[group] {
                if isStopped { return }
                guard hand(worker(position), to: group) else { return }
            }
            condition.withLock {
                complete[group] = true
                condition.broadcast()
            }
        }
    }

    /// The next group to work on, once it is among the `lanes` groups from the one being read.
    private func claim() -> Int? {
        condition.withLock {
            while !isStopped, claimed < groups.count, claimed >= reading + lanes { condition.wait() }
            guard !isStopped, claimed < groups.count else { return nil }
            claimed += 1
            return claimed - 1
        }
    }

    /// Adds a result to its group, waiting while the group already holds `capacity` of them. False once stopped.
    private func hand(_ result: ImageResult, to group: Int) -> Bool {
        condition.withLock {
            while !isStopped, finished[group].count >= capacity { condition.wait() }
            guard !isStopped else { return false }
            finished[group].append(result)
            condition.broadcast()
            return true
        }
    }
}
