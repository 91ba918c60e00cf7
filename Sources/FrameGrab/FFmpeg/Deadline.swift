internal import CFFmpeg
import Locking

/// The time limit of work on one input, shared by the demuxers opened on it (through FFmpeg's interrupt
/// callback, which ends blocking reads with `AVERROR_EXIT`) and by the decode loop (which checks it before
/// each packet). It counts time of work: the clock runs while at least one job works on the input
/// (`begin()`/`end()`), not while the input waits for a thread of the work pool. Owns the C struct FFmpeg
/// reads.
final class Deadline: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<fg_deadline>
    /// The limit it was made from, for messages.
    let limit: Duration?
    /// Nanoseconds of work left, how many jobs work now, and since when.
    private let clock: Lock<(left: Int64, active: Int, since: Int64)>

    /// A limit of `limit` of work, starting with the work of the caller (one `begin()` already done);
    /// nil never passes.
    init(limit: Duration?) {
        self.limit = limit
        pointer = .allocate(capacity: 1)
        var total = Int64.max
        if let limit {
            let (seconds, attoseconds) = limit.components
            let span = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            total = max(0, span.overflow ? Int64.max : span.partialValue.saturatingAdd(attoseconds / 1_000_000_000))
        }
        let now = fg_monotonic_ns()
        clock = Lock((total, 1, now))
        fg_deadline_set(pointer, Self.instant(now: now, left: total, limited: limit != nil))
    }

    deinit {
        pointer.deallocate()
    }

    var hasPassed: Bool { fg_deadline_passed(pointer) != 0 }

    /// A job starts working on the input: the clock runs.
    func begin() {
        guard limit != nil else { return }
        clock.withLock { clock in
            clock.active += 1
            guard clock.active == 1 else { return }
            clock.since = fg_monotonic_ns()
            fg_deadline_set(pointer, Self.instant(now: clock.since, left: clock.left, limited: true))
        }
    }

    /// A job stops working on the input: when it was the last, the clock stops.
    func end() {
        guard limit != nil else { return }
        clock.withLock { clock in
            clock.active -= 1
            guard clock.active == 0 else { return }
            clock.left = clock.left.saturatingSubtract(fg_monotonic_ns() - clock.since)
            // Nothing reads the input while no job works on it; a limit used up stays passed.
            fg_deadline_set(pointer, clock.left <= 0 ? 1 : 0)
        }
    }

    /// Runs `body` as work on the input.
    func working<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        begin()
        defer { end() }
        return try body()
    }

    private static func instant(now: Int64, left: Int64, limited: Bool) -> Int64 {
        guard limited else { return 0 }
        return left <= 0 ? 1 : max(1, now.saturatingAdd(left))
    }
}

/// A flag that stops blocking FFmpeg calls at once when set: one per generator run (and per open), installed
/// on every demuxer the work uses, besides the input's deadline. Owns the C flag FFmpeg reads.
final class CancellationFlag: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<fg_flag>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: fg_flag(value: 0))
    }

    deinit { pointer.deallocate() }

    func set() { fg_flag_set(pointer) }

    var isSet: Bool { fg_flag_is_set(pointer) != 0 }
}
