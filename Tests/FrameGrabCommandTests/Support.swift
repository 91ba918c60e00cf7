import Foundation
import FrameGrab
@testable import FrameGrabCommand
import Locking

/// What a run in this process said: its stdout and stderr lines, in order.
final class CapturedOutput: Sendable {
    private let lines = Lock<[(descriptor: Int32, text: String)]>([])

    /// An `Output` whose lines land here.
    func output(resultsToStandardError: Bool = false) -> Output {
        Output(resultsToStandardError: resultsToStandardError) { [self] descriptor, bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            lines.withLock { lines in
                for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                    lines.append((descriptor, String(line)))
                }
            }
        }
    }

    var standardOutput: [String] { lines.withLock { $0.filter { $0.descriptor == STDOUT_FILENO }.map(\.text) } }
    var standardError: [String] { lines.withLock { $0.filter { $0.descriptor == STDERR_FILENO }.map(\.text) } }

    /// The stdout lines read as JSON objects.
    func jsonObjects() throws -> [[String: Any]] {
        try standardOutput.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-command-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Settings as the command line would make them from `times` (each as typed after -t) and `-o template`.
func settings(_ inputs: [String], times: [String], template: String) throws -> GrabSettings {
    let specifications = try times.flatMap { try TimeSpecification.parseList($0) }
    var settings = GrabSettings(inputs: inputs, selection: TimeSelection(specifications: specifications),
                                template: try OutputTemplate(template))
    settings.quiet = true
    return settings
}
