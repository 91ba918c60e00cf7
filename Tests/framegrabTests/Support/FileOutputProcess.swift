import Foundation

/// A program run to its end with its stdout and stderr going to files rather than pipes, so nothing has to
/// be drained while the caller waits (long runs that print a lot: the real-media check, a headless browser).
enum FileOutputProcess {
    struct Outcome {
        let status: Int32
        let reason: Process.TerminationReason
        let stdout: String
        let stderr: String
        /// The program was still running after the timeout and was sent `signalOnTimeout`.
        let timedOut: Bool
    }

    /// Runs `executable arguments…` in `directory` (stdin empty, `environment` in place of this process's
    /// when given), writing its output to the files `stdout` and `stderr`. When it is still running after
    /// `timeout` seconds it is sent `signalOnTimeout` and waited for.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]? = nil,
                    stdout: URL, stderr: URL, timeout: Double, signalOnTimeout: Int32 = SIGTERM) throws -> Outcome {
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let out = try FileHandle(forWritingTo: stdout), err = try FileHandle(forWritingTo: stderr)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let timedOut = exited.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(process.processIdentifier, signalOnTimeout)
            exited.wait()
        }
        try out.close()
        try err.close()
        return Outcome(status: process.terminationStatus, reason: process.terminationReason,
                       stdout: (try? String(contentsOf: stdout, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "", timedOut: timedOut)
    }
}
