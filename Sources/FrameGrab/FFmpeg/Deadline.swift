import CFFmpeg

/// A point in time after which work on one input stops, shared by the demuxers opened on it (through
/// FFmpeg's interrupt callback, which ends blocking reads with `AVERROR_EXIT`) and by the decode loop
/// (which checks it before each packet). Owns the C struct FFmpeg reads.
final class Deadline: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<fg_deadline>
    /// The limit it was made from, for messages.
    let limit: Duration?

    /// A deadline `limit` from now; nil never passes.
    init(limit: Duration?) {
        self.limit = limit
        pointer = .allocate(capacity: 1)
        var nanoseconds: Int64 = 0
        if let limit {
            let (seconds, attoseconds) = limit.components
            let span = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let total = span.overflow ? Int64.max : span.partialValue.saturatingAdd(attoseconds / 1_000_000_000)
            nanoseconds = fg_monotonic_ns().saturatingAdd(max(total, 0))
            if nanoseconds == 0 { nanoseconds = 1 }
        }
        fg_deadline_init(pointer, nanoseconds)
    }

    deinit {
        pointer.deallocate()
    }

    var hasPassed: Bool { fg_interrupt(pointer) != 0 }

    /// Installs this deadline as `context`'s interrupt callback (before the context opens anything).
    func install(on context: UnsafeMutablePointer<AVFormatContext>) {
        fg_set_interrupt(context, pointer)
    }
}
