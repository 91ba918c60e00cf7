import Foundation
import FrameGrab
import Locking

/// What a run has done so far, counted by its tasks; read by the progress bar and the summary.
package final class RunCounts: Sendable {
    package struct Snapshot: Sendable {
        var filesDone = 0
        var requestsDone = 0
        var written = 0
        var failed = 0
        var skipped = 0
        var notVideo = 0
        /// Shots listed (`framegrab shots`).
        var shots = 0
    }
    private let counts = Lock(Snapshot())

    func update(_ change: (inout Snapshot) -> Void) { counts.withLock { change(&$0) } }
    var snapshot: Snapshot { counts.withLock { $0 } }
}

/// The progress bar on stderr: shown only when stderr is a terminal (and not `--quiet`), redrawn a few
/// times a second on one line that is cleared before any other output line and drawn again after it, so
/// it never mixes with results or messages. Nothing of it ever reaches stdout.
final class ProgressBar: Sendable {
    private let output: Output
    private let counts: RunCounts
    private let totalFiles: Int
    private let totalRequests: Int
    private let started = ContinuousClock.now
    private let ticker = Lock<Task<Void, Never>?>(nil)

    init(output: Output, counts: RunCounts, totalFiles: Int, totalRequests: Int) {
        self.output = output
        self.counts = counts
        self.totalFiles = totalFiles
        self.totalRequests = totalRequests
    }

    /// Whether a bar belongs on this stderr.
    static func wanted(quiet: Bool) -> Bool {
        !quiet && isatty(STDERR_FILENO) == 1
    }

    func start() {
        output.showStatus { [self] in line() }
        let task = Task.detached { [output] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                output.refreshStatus()
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Removes the bar for good.
    func stop() {
        ticker.withLock { $0?.cancel(); $0 = nil }
        output.clearStatus()
    }

    func line() -> String {
        let now = counts.snapshot
        let elapsed = ProgressBar.seconds(ContinuousClock.now - started)
        let fraction = totalRequests > 0 ? min(1, Double(now.requestsDone) / Double(totalRequests))
            : totalFiles > 0 ? Double(now.filesDone) / Double(totalFiles) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = elapsed > 0.5 ? Double(now.requestsDone) / elapsed : 0
        var text = "[\(bar)] \(now.filesDone)/\(totalFiles) files"
        // A run that writes no images (shots) counts files alone.
        guard totalRequests > 0 else { return text }
        text += "  \(now.requestsDone)/\(totalRequests) images"
        if rate > 0 {
            text += String(format: "  %.1f img/s", rate)
            let remaining = Double(max(0, totalRequests - now.requestsDone)) / rate
            text += "  ETA " + ProgressBar.clock(remaining)
        } else {
            text += "  ETA --:--"
        }
        return text
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `M:SS`, or `H:MM:SS` from an hour.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}

/// The last words of a run: one line on stderr (unless `--quiet`), and a `{"summary":…}` object among the
/// results (stdout, or stderr with `-o -`) in JSON mode.
enum Summary {
    static func report(_ counts: RunCounts.Snapshot, files: Int, elapsed: Double, listsShots: Bool = false, quiet: Bool, reporter: Reporter) {
        let record = RunSummaryRecord(counts: counts, files: files, elapsed: elapsed, listsShots: listsShots)
        if reporter.json { reporter.emit(record) }
        if !quiet, case .message(let text) = record.plain { reporter.output.standardError(text) }
    }
}
