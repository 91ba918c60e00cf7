import Foundation
import TestSupport
import Testing

/// Runs framegrab under a pseudo-terminal (util-linux `script`), so that its stdout and stderr are a
/// terminal, and returns everything the terminal received.
func runUnderTerminal(_ arguments: [String], in directory: URL, timeout: Double = 60) throws -> (status: Int32, text: String) {
    let binary = try Framegrab.executable.get()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    let command = ([binary.path] + arguments).map(CommandResult.shellQuoted).joined(separator: " ")
    process.arguments = ["-qefc", command, "/dev/null"]
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let reader = DispatchQueue(label: "pty-reader")
    nonisolated(unsafe) var data = Data()
    let done = DispatchSemaphore(value: 0)
    reader.async {
        data = pipe.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }
    if done.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        Issue.record("framegrab under a terminal did not finish in \(timeout) s")
        done.wait()
    }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite struct ProgressTests {
    static let fixtures = [bframesPath, Fixtures.path("vp9.webm")]

    @Test func noProgressWhenStderrIsNotATerminal() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(Self.fixtures + ["--every", "0.5", "-o", "out/{name}-{index}.png"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr == "", "only the summary on stderr\n\(result)")
            #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\r"), "\(result)")
            #expect(result.summaryLine?.hasPrefix("framegrab: 32 written, 0 failed, 0 skipped (2 files, ") == true, "\(result)")
        }
    }

    @Test func progressBarUnderATerminal() throws {
        try Scratch.with { scratch in
            let (status, text) = try runUnderTerminal(Self.fixtures + ["--every", "0.5", "-o", "out/{name}-{index}.png", "--jobs", "1"], in: scratch.url)
            #expect(status == 0, "\(text)")
            // The bar: files and images done, then rate and time remaining once known; erased before each line.
            #expect(text.contains("[") && text.contains("0/2 files  0/32 images"), "\(text)")
            #expect(text.range(of: #"\] 2/2 files  32/32 images"#, options: .regularExpression) != nil
                    || text.range(of: #"\] 1/2 files  3\d/32 images"#, options: .regularExpression) != nil, "\(text)")
            #expect(text.contains("ETA "), "\(text)")
            #expect(text.contains("\r\u{1B}[K"), "\(text)")
            // Every result line still arrives whole, on a line of its own once the bar is erased.
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map {
                String($0.split(separator: "\r").last ?? "").replacingOccurrences(of: "\u{1B}[K", with: "")
            }
            #expect(lines.filter { $0.hasPrefix("out/") && $0.hasSuffix(".png") }.count == 32, "\(text)")
            #expect(text.contains("framegrab: 32 written, 0 failed, 0 skipped"), "\(text)")
            #expect(scratch.files(under: "out").count == 32)
        }
    }

    @Test func quietSilencesBarAndSummary() throws {
        try Scratch.with { scratch in
            let (status, text) = try runUnderTerminal(Self.fixtures + ["--every", "2", "-o", "out/{name}-{index}.png", "--quiet"], in: scratch.url)
            #expect(status == 0, "\(text)")
            #expect(!text.contains("files") && !text.contains("\u{1B}") && !text.contains("written,"), "\(text)")
            #expect(text.split(whereSeparator: \.isNewline).count == 8, "\(text)")
        }
    }

    /// Under a terminal, a failure message is still one whole line.
    @Test func errorsUnderATerminalAreWholeLines() throws {
        try Scratch.with { scratch in
            let (status, text) = try runUnderTerminal([bframesPath, "missing.mp4", "-t", "1,99", "-o", "out/"], in: scratch.url)
            #expect(status == 1, "\(text)")
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map {
                String($0.split(separator: "\r").last ?? "").replacingOccurrences(of: "\u{1B}[K", with: "")
            }
            #expect(lines.contains("framegrab: missing.mp4: no such file"), "\(text)")
            #expect(lines.contains { $0.hasPrefix("framegrab: \(bframesPath) at 99s: past the end") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("framegrab: 1 written, 3 failed, 0 skipped") }, "\(text)")
        }
    }
}
