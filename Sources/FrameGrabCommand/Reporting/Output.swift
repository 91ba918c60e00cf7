import Foundation
import FrameGrab
import Locking

/// Writes whole lines to stdout and stderr, one `write` per line under one lock, so lines from concurrent
/// tasks never interleave and each reaches a pipe as soon as it is complete.
///
/// A status line (the progress bar) may stand at the bottom of stderr: it is erased before any other line
/// is written and drawn again after it.
package final class Output: Sendable {
    /// What the status line on stderr shows, recomputed at each drawing; nil when there is none.
    private let lock = Lock<(@Sendable () -> String)?>(nil)
    /// Where result lines go: stdout, or stderr when stdout carries an image (`-o -`).
    private let resultDescriptor: Int32
    /// In-process tests: what would be written, by descriptor, instead of writing it.
    private let capture: (@Sendable (Int32, [UInt8]) -> Void)?

    /// `resultsToStandardError`: stdout is kept for an image, and result lines go to stderr.
    package init(resultsToStandardError: Bool = false) {
        resultDescriptor = resultsToStandardError ? STDERR_FILENO : STDOUT_FILENO
        capture = nil
    }

    /// Output handed to `capture` (the descriptor it would go to, and the bytes) instead of being written.
    package init(resultsToStandardError: Bool = false, capture: @escaping @Sendable (Int32, [UInt8]) -> Void) {
        resultDescriptor = resultsToStandardError ? STDERR_FILENO : STDOUT_FILENO
        self.capture = capture
    }

    package func standardOutput(_ line: String) { write(line, to: STDOUT_FILENO) }
    package func standardError(_ line: String) { write(line, to: STDERR_FILENO) }
    /// A result line (an image's path, a JSON object): on stdout unless it carries an image.
    package func result(_ line: String) { write(line, to: resultDescriptor) }

    /// Writes bytes as they are to stdout (`-o -`: the PNG). Returns the errno of a failed write, or nil.
    package func standardOutputBytes(_ bytes: [UInt8]) -> Int32? {
        lock.withLock { _ in put(bytes, to: STDOUT_FILENO) }
    }

    /// Shows a status line at the bottom of stderr, drawn from `text` now and at every later redraw.
    package func showStatus(_ text: @escaping @Sendable () -> String) {
        lock.withLock { status in
            status = text
            put(Array(("\r\u{1B}[K" + text()).utf8), to: STDERR_FILENO)
        }
    }

    /// Draws the status line again with what it says now.
    package func refreshStatus() {
        lock.withLock { status in
            guard let status else { return }
            put(Array(("\r\u{1B}[K" + status()).utf8), to: STDERR_FILENO)
        }
    }

    /// Erases the status line for good.
    package func clearStatus() {
        lock.withLock { status in
            guard status != nil else { return }
            status = nil
            put(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
        }
    }

    @discardableResult
    private func put(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        if let capture {
            capture(descriptor, bytes)
            return nil
        }
        return AtomicFile.writeAll(bytes, to: descriptor)
    }

    private func write(_ line: String, to descriptor: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { status in
            guard let status else {
                put(bytes, to: descriptor)
                return
            }
            put(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
            put(bytes, to: descriptor)
            put(Array(status().utf8), to: STDERR_FILENO)
        }
    }
}
