import Foundation
import Testing

/// Runs the built `framegrab` binary, the way a person or a script would.
enum Framegrab {
    /// Why a run could not even start.
    struct LaunchError: Error, CustomStringConvertible {
        let description: String
    }

    /// The `framegrab` binary built beside this test executable (SwiftPM puts every product of the package
    /// in the same folder). `FRAMEGRAB_EXECUTABLE` overrides it.
    static let executable: Result<URL, LaunchError> = {
        if let override = ProcessInfo.processInfo.environment["FRAMEGRAB_EXECUTABLE"], !override.isEmpty {
            return FileManager.default.isExecutableFile(atPath: override)
                ? .success(URL(fileURLWithPath: override))
                : .failure(LaunchError(description: "FRAMEGRAB_EXECUTABLE=\(override) is not an executable file"))
        }
        let selfPath: String
        do {
            selfPath = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        } catch {
            return .failure(LaunchError(description: "cannot resolve /proc/self/exe to find the test executable's folder: \(error)"))
        }
        let folder = URL(fileURLWithPath: selfPath).deletingLastPathComponent()
        let binary = folder.appendingPathComponent("framegrab")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            return .failure(LaunchError(description: "no framegrab executable at \(binary.path) (beside the test executable \(selfPath)); build it first with `swift build --build-tests`"))
        }
        return .success(binary)
    }()

    /// Runs `framegrab arguments…` to completion and returns what it did. The run is killed, and an issue
    /// recorded, when it takes longer than `timeout` seconds.
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, timeout: Double = 60,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let running = try start(arguments, stdin: stdin, in: directory, sourceLocation: sourceLocation)
        return running.wait(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Runs framegrab as the unprivileged user `nobody` (through `setpriv`), for permission checks that root
    /// would bypass. Nil when the tests do not run as root or `setpriv` is missing: then the caller runs
    /// framegrab directly, since an ordinary user is already subject to permissions.
    static func runAsNobody(_ arguments: [String], in directory: URL, timeout: Double = 60,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult? {
        let setpriv = "/usr/bin/setpriv"
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: setpriv) else { return nil }
        guard case .success(let binary) = executable else { return nil }
        let running = try RunningCommand(binary: URL(fileURLWithPath: setpriv),
                                         arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", "--", binary.path] + arguments,
                                         stdin: nil, directory: directory)
        return running.wait(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Starts `framegrab arguments…` and returns at once, for tests that watch or signal the process.
    static func start(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> RunningCommand {
        try RunningCommand(binary: binary(sourceLocation: sourceLocation), arguments: arguments, stdin: stdin, directory: directory)
    }

    /// The built binary, or an issue recorded (and the error thrown) when it cannot be found.
    static func binary(sourceLocation: SourceLocation) throws -> URL {
        switch executable {
        case .success(let url): return url
        case .failure(let error):
            Issue.record("\(error)", sourceLocation: sourceLocation)
            throw error
        }
    }
}

extension Framegrab {
    /// Runs a bash script in `directory`, with `$FRAMEGRAB` set to the built binary (and exported), for what only a shell
    /// gives: process substitution `<(…)`, pipes into other programs. `set -o pipefail` is on, so a failing
    /// framegrab fails the pipeline.
    static func runInBash(_ script: String, in directory: URL, timeout: Double = 60,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        try startInBash(script, in: directory, sourceLocation: sourceLocation).wait(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Starts a bash script as `runInBash` does and returns at once; a script that ends by `exec "$FRAMEGRAB" …`
    /// is framegrab itself, for tests that signal it.
    static func startInBash(_ script: String, in directory: URL,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> RunningCommand {
        let binary = try binary(sourceLocation: sourceLocation)
        let prelude = "set -o pipefail\nexport FRAMEGRAB=" + CommandResult.shellQuoted(binary.path) + "\n"
        return try RunningCommand(binary: URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", prelude + script],
                                  stdin: nil, directory: directory)
    }
}

/// What one finished run did.
struct CommandResult: Sendable, CustomStringConvertible {
    let arguments: [String]
    /// The exit status; for a process killed by a signal, 128 + the signal number (as a shell reports it).
    let status: Int32
    /// The signal that killed the process, when it did not exit by itself (a crash, or a signal it did not handle).
    let killedBy: Int32?
    /// stdout without the final `{"summary":…}` line of JSON mode (see `jsonSummary`).
    let stdout: String
    /// stdout's bytes exactly as written (for `-o -`, a PNG).
    var stdoutData = Data()
    /// stderr without the final summary line (see `summaryLine`).
    let stderr: String
    /// The last line of stderr when it is the summary (`framegrab: 3 written, 0 failed, …`, or `framegrab: 12 shots, 0 failed, …`).
    let summaryLine: String?
    /// The last line of stdout when it is the `{"summary":…}` object of JSON mode.
    let jsonSummary: String?
    /// Whether the run had to be killed for taking too long.
    let timedOut: Bool
    /// Seconds from start to exit.
    let duration: Double

    /// stdout's lines, without the newline that ends the last one. Empty lines are kept, so that tests can
    /// see them.
    var stdoutLines: [String] { CommandResult.lines(stdout) }
    var stderrLines: [String] { CommandResult.lines(stderr) }

    static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    var description: String {
        func clip(_ text: String) -> String {
            text.count <= 3000 ? text : String(text.prefix(3000)) + "\n… (\(text.count) characters in all)"
        }
        let how = killedBy.map { "killed by signal \($0)" } ?? "exit status \(status)"
        return "framegrab " + arguments.map(CommandResult.shellQuoted).joined(separator: " ")
            + " → \(how)\(timedOut ? " (timed out)" : "")\n--- stdout:\n\(clip(stdout))--- stderr:\n\(clip(stderr))---"
    }

    static func shellQuoted(_ argument: String) -> String {
        if !argument.isEmpty, argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:,%{}=".contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A started `framegrab` process: its output so far, signals, and waiting for it to end.
///
/// Both pipes are drained by their own threads from the start, so a process that writes a lot to one of
/// them never blocks on the other.
final class RunningCommand: @unchecked Sendable {
    let arguments: [String]
    private let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let drained = DispatchGroup()
    private let exited = DispatchSemaphore(value: 0)
    private let started = Date()

    fileprivate init(binary: URL, arguments: [String], stdin: Data?, directory: URL?) throws {
        self.arguments = arguments
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe: Pipe? = stdin == nil ? nil : Pipe()
        if let inPipe {
            process.standardInput = inPipe
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // Foundation closed the child's ends of the pipes in this process once the child was running.
        drain(outPipe.fileHandleForReading) { chunk in self.lock.withLock { self.out.append(chunk) } }
        drain(errPipe.fileHandleForReading) { chunk in self.lock.withLock { self.err.append(chunk) } }
        if let inPipe, let stdin {
            let handle = inPipe.fileHandleForWriting
            // The command may exit without reading; a write to a closed pipe must not kill the tests.
            signal(SIGPIPE, SIG_IGN)
            DispatchQueue.global().async {
                try? handle.write(contentsOf: stdin)
                try? handle.close()
            }
        }
    }

    private func drain(_ handle: FileHandle, into append: @escaping @Sendable (Data) -> Void) {
        drained.enter()
        let thread = Thread { [drained] in
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                append(Data(buffer[0..<count]))
            }
            try? handle.close()
            drained.leave()
        }
        thread.start()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// stdout so far.
    var stdoutSoFar: String { lock.withLock { String(decoding: out, as: UTF8.self) } }

    /// Sends a signal to the process.
    func send(_ signalNumber: Int32) {
        kill(process.processIdentifier, signalNumber)
    }

    /// Sends `signalNumber`, waits for the process to exit, and says how many seconds that took.
    func stop(with signalNumber: Int32, timeout: Double = 60,
              sourceLocation: SourceLocation = #_sourceLocation) -> (result: CommandResult, seconds: Double) {
        send(signalNumber)
        let signalled = Date()
        let result = wait(timeout: timeout, sourceLocation: sourceLocation)
        return (result, Date().timeIntervalSince(signalled))
    }

    /// Waits until `condition` holds for stdout so far, the process exits, or `timeout` seconds pass.
    /// Returns whether the condition held.
    func waitForStdout(timeout: Double, until condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdoutSoFar) { return true }
            if !process.isRunning { return condition(stdoutSoFar) }
            usleep(5_000)
        }
        return condition(stdoutSoFar)
    }

    /// Waits for the process to exit (killing it after `timeout` seconds) and for both pipes to be drained.
    func wait(timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) -> CommandResult {
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            Issue.record("framegrab \(arguments.map(CommandResult.shellQuoted).joined(separator: " ")) was still running after \(timeout) s; killed it",
                         sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        let duration = Date().timeIntervalSince(started)
        if drained.wait(timeout: .now() + 30) == .timedOut {
            Issue.record("framegrab's output pipes stayed open after it exited", sourceLocation: sourceLocation)
        }
        let killedBy: Int32? = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        let status = killedBy.map { 128 + $0 } ?? process.terminationStatus
        let (outData, rawStderr) = lock.withLock { (out, String(decoding: err, as: UTF8.self)) }
        let rawStdout = String(decoding: outData, as: UTF8.self)
        // The summaries close a run: each appears at most once, as the very last line of its stream.
        let (stdout, jsonSummary) = RunningCommand.splitLastLine(rawStdout) { $0.hasPrefix("{\"summary\":") }
        let (stderr, summaryLine) = RunningCommand.splitLastLine(rawStderr) {
            $0.range(of: #"^framegrab: (\d+ written, \d+ failed, \d+ skipped|\d+ shots?, \d+ failed)"#, options: .regularExpression) != nil
        }
        if CommandResult.lines(stdout).contains(where: { $0.hasPrefix("{\"summary\":") }) || stderr.range(of: #"(^|\n)framegrab: \d+ (written|shots?), "#, options: .regularExpression) != nil {
            Issue.record("a summary line that is not the last line of its stream\n\(rawStdout)\n\(rawStderr)", sourceLocation: sourceLocation)
        }
        return CommandResult(arguments: arguments, status: status, killedBy: killedBy, stdout: stdout, stdoutData: outData, stderr: stderr,
                             summaryLine: summaryLine, jsonSummary: jsonSummary, timedOut: timedOut, duration: duration)
    }

    /// The text without its last line, and that line, when the last line passes `isSummary`.
    static func splitLastLine(_ text: String, isSummary: (String) -> Bool) -> (String, String?) {
        guard text.hasSuffix("\n") else { return (text, nil) }
        let body = text.dropLast()
        let start = body.lastIndex(of: "\n").map { body.index(after: $0) } ?? body.startIndex
        let last = String(body[start...])
        guard isSummary(last) else { return (text, nil) }
        return (String(text[..<start]), last)
    }
}
