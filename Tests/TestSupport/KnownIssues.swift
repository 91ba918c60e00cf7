import Foundation

/// Expectations today's decoding core does not meet, marked as known issues (Swift Testing's `withKnownIssue`)
/// so the suite stays green until the work that fixes them lands; then the marks come out. Every mark says
/// `// issue 19: fixed by the decoding-core work` where it is made.
public enum KnownIssues {
    /// Whether issue 19's marks are on. `FRAMEGRAB_ISSUE19_UNMARKED=1 swift test --filter …` turns them off, to
    /// see the failures themselves (and, once the fix is in, that nothing fails any more).
    public static var issue19Marked: Bool {
        ProcessInfo.processInfo.environment["FRAMEGRAB_ISSUE19_UNMARKED"].map { $0.isEmpty || $0 == "0" } ?? true
    }
}
