import Foundation
import FrameGrab
import Synchronization

/// Writes whole lines to stdout and stderr, one `write` per line under one lock, so lines from concurrent
/// tasks never interleave and each reaches a pipe as soon as it is complete.
///
/// A status line (the progress bar) may stand at the bottom of stderr: it is erased before any other line
/// is written and drawn again after it.
final class Output: Sendable {
    /// What the status line on stderr shows, recomputed at each drawing; nil when there is none.
    private let lock = Mutex<(@Sendable () -> String)?>(nil)
    /// Where result lines go: stdout, or stderr when stdout carries an image (`-o -`).
    private let resultDescriptor: Int32

    /// `resultsToStandardError`: stdout is kept for an image, and result lines go to stderr.
    init(resultsToStandardError: Bool = false) {
        resultDescriptor = resultsToStandardError ? STDERR_FILENO : STDOUT_FILENO
    }

    func standardOutput(_ line: String) { write(line, to: STDOUT_FILENO) }
    func standardError(_ line: String) { write(line, to: STDERR_FILENO) }
    /// A result line (an image's path, a JSON object): on stdout unless it carries an image.
    func result(_ line: String) { write(line, to: resultDescriptor) }

    /// Writes bytes as they are to stdout (`-o -`: the PNG). Returns the errno of a failed write, or nil.
    func standardOutputBytes(_ bytes: [UInt8]) -> Int32? {
        lock.withLock { _ in AtomicFile.writeAll(bytes, to: STDOUT_FILENO) }
    }

    /// Shows a status line at the bottom of stderr, drawn from `text` now and at every later redraw.
    func showStatus(_ text: @escaping @Sendable () -> String) {
        lock.withLock { status in
            status = text
            AtomicFile.writeAll(Array(("\r\u{1B}[K" + text()).utf8), to: STDERR_FILENO)
        }
    }

    /// Draws the status line again with what it says now.
    func refreshStatus() {
        lock.withLock { status in
            guard let status else { return }
            AtomicFile.writeAll(Array(("\r\u{1B}[K" + status()).utf8), to: STDERR_FILENO)
        }
    }

    /// Erases the status line for good.
    func clearStatus() {
        lock.withLock { status in
            guard status != nil else { return }
            status = nil
            AtomicFile.writeAll(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
        }
    }

    private func write(_ line: String, to descriptor: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { status in
            guard let status else {
                AtomicFile.writeAll(bytes, to: descriptor)
                return
            }
            AtomicFile.writeAll(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
            AtomicFile.writeAll(bytes, to: descriptor)
            AtomicFile.writeAll(Array(status().utf8), to: STDERR_FILENO)
        }
    }
}

/// One JSON object on one line, with its keys in the order given (the documented order).
struct JSONLine {
    private var fields: [String] = []

    mutating func add(_ key: String, _ value: String) { fields.append("\(JSONLine.quote(key)):\(JSONLine.quote(value))") }
    mutating func add(_ key: String, _ value: Int) { fields.append("\(JSONLine.quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Bool) { fields.append("\(JSONLine.quote(key)):\(value)") }
    /// A number written as JSON; non-finite values become null.
    mutating func add(_ key: String, seconds value: Double) {
        fields.append("\(JSONLine.quote(key)):" + (value.isFinite ? JSONLine.number(value) : "null"))
    }
    mutating func addRaw(_ key: String, _ json: String) { fields.append("\(JSONLine.quote(key)):\(json)") }

    var text: String { "{" + fields.joined(separator: ",") + "}" }

    /// `{"input":…,"error":…,"code":…}`: an input that could not be used as a whole.
    static func inputError(_ input: String, _ error: FrameGrabError) -> JSONLine {
        var line = JSONLine()
        line.add("input", input)
        line.add("error", error.message)
        line.add("code", error.code.rawValue)
        return line
    }

    /// `{"input","index","requested","actual",<pathKey>,"width","height","keyframe"}`: an image made for a request.
    static func image(input: String, index: Int, requested: MediaTime, generated: GeneratedImage,
                      pathKey: String, path: String) -> JSONLine {
        var line = JSONLine()
        line.add("input", input)
        line.add("index", index)
        line.addRaw("requested", requested.decimalSeconds)
        line.addRaw("actual", generated.actualTime.decimalSeconds)
        line.add(pathKey, path)
        line.add("width", generated.image.width)
        line.add("height", generated.image.height)
        line.add("keyframe", generated.isKeyframe)
        return line
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6f", value).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
