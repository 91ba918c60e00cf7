import Foundation
import Locking

/// The threads FrameGrab does its blocking work on — opening and probing files, seeking and decoding,
/// converting and encoding pictures — so that none of it runs on Swift's cooperative pool, whose few
/// threads every task of the process shares.
///
/// One pool per process (`shared`), one thread per core, shared by every generator and asset. Async code
/// hands it a job and suspends until the job is done (`run(_:)`); jobs never wait for one another, so
/// the pool cannot deadlock itself.
package final class WorkPool: Sendable {
    /// The process's pool: as many threads as the machine has cores.
    package static let shared = WorkPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Jobs in order; a slot is emptied when its job is taken (so that no job is ever released, and nothing
    /// it holds deinitialised, while the lock is held).
    private struct Line {
        var jobs: [(@Sendable () -> Void)?] = []
        var head = 0

        var isEmpty: Bool { head == jobs.count }

        mutating func take() -> @Sendable () -> Void {
            let job = jobs[head]!
            jobs[head] = nil
            head += 1
            if head > 64, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    /// Two lines: work that hands a finished result on (encoding, writing: short, and it frees memory and
    /// lets consumers ask for more) goes before the decoding that is queued.
    private struct Queue {
        var first = Line()
        var rest = Line()
    }

    private let queue = Lock(Queue())
    /// Counts queued jobs; the pool's own threads wait on it (never a thread of the cooperative pool).
    private let available = DispatchSemaphore(value: 0)
    /// Number of threads.
    package let threadCount: Int

    init(threads: Int) {
        threadCount = max(1, threads)
        for number in 0..<threadCount {
            let thread = Thread { [self] in work() }
            thread.name = "framegrab work \(number)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result; the caller suspends meanwhile.
    /// `first`: for short work that hands a finished result on (encoding and writing an image), which runs
    /// before the decoding already queued.
    package func run<T: Sendable, E: Error>(first: Bool = false, _ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        // The result is handed over under a lock; the continuation only wakes the caller. (The continuation
        // orders the job before the caller too, but when the job resumes it before the caller has
        // suspended, it does so with atomics inside the Swift runtime that ThreadSanitizer does not see,
        // and TSan would report the caller's reads of what the job made as races.)
        let handOver = Lock<Result<T, E>?>(nil)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            submit(first: first) {
                let result: Result<T, E>
                do throws(E) {
                    result = .success(try body())
                } catch {
                    result = .failure(error)
                }
                handOver.withLock { $0 = result }
                continuation.resume()
            }
        }
        return try handOver.withLock { $0! }.get()
    }

    /// Queues `job` to run on one of the pool's threads (`first`: before the ordinary jobs queued).
    func submit(first: Bool = false, _ job: @escaping @Sendable () -> Void) {
        queue.withLock { queue in
            if first { queue.first.jobs.append(job) } else { queue.rest.jobs.append(job) }
        }
        available.signal()
    }

    private func work() {
        while true {
            available.wait()
            let job = queue.withLock { queue in queue.first.isEmpty ? queue.rest.take() : queue.first.take() }
            job()
        }
    }
}
