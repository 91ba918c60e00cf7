import Foundation
import FrameGrab
import TestSupport
import Testing

/// Limits, unreadable inputs, unwritable outputs and hostile file names: each gets its documented code,
/// the run ends promptly, and no partial or temporary file is left.
@Suite struct RobustnessTests {
    /// Runs framegrab as an unprivileged user when the tests run as root (whose reads and writes ignore
    /// permissions), else directly.
    func runUnprivileged(_ scratch: Scratch, _ arguments: [String]) throws -> CommandResult {
        if let result = try Framegrab.runAsNobody(arguments, in: scratch.url) {
            expectNoCrash(result)
            return result
        }
        return try scratch.run(arguments)
    }

    @Test func unreadableInputIsPermissionDenied() throws {
        try Scratch.with { scratch in
            let input = try scratch.write("in/locked.mp4", Damage.bytes(of: bframesName))
            #expect(chmod(input, 0) == 0)
            // The output folder must be writable by whoever runs framegrab.
            try FileManager.default.createDirectory(at: scratch.url("out"), withIntermediateDirectories: true)
            #expect(chmod(scratch.path("out"), 0o777) == 0)
            let result = try runUnprivileged(scratch, ["in/locked.mp4", bframesPath, "--json", "-o", "out/{name}.png", "-t", "1"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            let locked = records.filter { $0.input == "in/locked.mp4" }
            #expect(locked.count == 1 && locked.first?.code == "permissionDenied", "\(result)")
            #expect(locked.first?.error?.contains("permission denied") == true, "\(result)")
            #expect(records.contains { $0.input == bframesPath && $0.isImage }, "the readable input is still done: \(result)")
            #expect(scratch.files(under: "out") == ["h264-bframes.png"])
        }
    }

    /// A folder nobody may write to: every request fails with `writeFailed` saying why, no temporary file stays.
    @Test func readOnlyOutputFolderIsWriteFailed() throws {
        try Scratch.with { scratch in
            try FileManager.default.createDirectory(at: scratch.url("out"), withIntermediateDirectories: true)
            #expect(chmod(scratch.path("out"), 0o555) == 0)
            defer { chmod(scratch.path("out"), 0o755) }
            let result = try runUnprivileged(scratch, [bframesPath, "--json", "-o", "out/", "-t", "1,2"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 2, "\(result)")
            for record in records {
                #expect(record.code == "writeFailed", "\(record)")
                #expect(record.error?.contains("Permission denied") == true, "the reason (EACCES): \(record)")
            }
            #expect(scratch.files(under: "out") == [], "no temporary file left")
        }
    }

    /// Whether this process may mount a file system (root in a container that allows it).
    static let canMount: Bool = {
        #if os(Linux)
        let point = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-mount-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: point) }
        guard mount("tmpfs", point.path, "tmpfs", 0, "size=4k") == 0 else { return false }
        umount(point.path)
        return true
        #else
        return false
        #endif
    }()

    /// A full disk: a 4 KiB tmpfs filled up before the run. Skipped where mounting is not allowed.
    @Test(.enabled(if: canMount, "needs permission to mount a tmpfs"))
    func fullDiskIsWriteFailed() throws {
        try Scratch.with { scratch in
            let out = scratch.path("out")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            guard mount("tmpfs", out, "tmpfs", 0, "size=4k") == 0 else {
                Issue.record("mount failed: \(String(cString: strerror(errno)))")
                return
            }
            defer { umount(out) }
            // Fill it: write until the file system says no more.
            let filler = open(out + "/filler", O_WRONLY | O_CREAT, 0o644)
            var block = [UInt8](repeating: 1, count: 512)
            while write(filler, &block, block.count) > 0 {}
            close(filler)
            let result = try scratch.run([bframesPath, "--json", "-o", "out/{index}.png", "-t", "1,2"])
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            #expect(records.count == 2, "\(result)")
            for record in records {
                #expect(record.code == "writeFailed", "\(record)")
                #expect(record.error?.contains("No space left on device") == true, "the reason (ENOSPC): \(record)")
            }
            #expect(scratch.files(under: "out") == ["filler"], "no partial PNG, no temporary file")
        }
    }

    /// Names with spaces, quotes, a newline and non-ASCII letters: read, named in messages, and turned into
    /// output names that keep everything but the newline (which would split the one-path-per-line output).
    @Test func awkwardFileNames() throws {
        try Scratch.with { scratch in
            let name = "in/it's a \"clip\"\nnaïve 東京 $x.mp4"
            let input = try scratch.write(name, Damage.bytes(of: bframesName))
            let bad = try scratch.write("in/it's \"bad\"\nü.mp4", Damage.noise(count: 1000))
            let plain = try scratch.run([input, bad, "-o", "out/{name}-{index}.png", "-t", "1"])
            #expect(plain.status == 1, "\(plain)")
            let expected = "out/it's a \"clip\"_naïve 東京 $x-1.png"
            #expect(plain.stdoutLines == [expected], "\(plain)")
            #expect(plain.stderr.contains(bad), "the message names the input as given: \(plain)")
            expectShows(scratch.expectOnlyPNGs(under: "out")["it's a \"clip\"_naïve 東京 $x-1.png"], frame: 25)

            let json = try scratch.run([input, bad, "--json", "-o", "json/{name}.png", "-t", "1"])
            let records = jsonRecords(json)
            #expect(records.first { $0.input == input }?.path == "json/it's a \"clip\"_naïve 東京 $x.png", "\(json)")
            #expect(records.first { $0.input == bad }?.code == "invalidData", "\(json)")
        }
    }

    /// A name that is only dots cannot make `{name}` climb out of the output folder.
    @Test func dotNamesStayInsideTheOutputFolder() throws {
        try Scratch.with { scratch in
            let input = try scratch.write("in/deep/..mp4", Damage.bytes(of: bframesName))
            let result = try scratch.run([input, "-o", "out/sub/{name}/x.png", "-t", "1"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["out/sub/_./x.png"], "\(result)")
            #expect(scratch.files(under: "out") == ["sub/_./x.png"])
        }
    }

    @Test func framesAboveThePixelLimitAreRefused() throws {
        try Scratch.with { scratch in
            let refused = try scratch.run([bframesPath, "--json", "-o", "out/", "-t", "1", "--max-pixels", "320x239"])
            #expect(refused.status == 1, "\(refused)")
            let records = jsonRecords(refused)
            #expect(records.count == 1 && records.first?.code == "tooLarge" && records.first?.index == nil, "\(refused)")
            #expect(records.first?.error?.contains("320x240") == true, "\(refused)")
            // At the limit exactly, the file is fine.
            let accepted = try scratch.run([bframesPath, "-o", "out/", "-t", "1", "--max-pixels", String(320 * 240)])
            #expect(accepted.status == 0, "\(accepted)")
            #expect(scratch.files(under: "out") == ["h264-bframes-1.png"])
        }
    }

    /// A tiny time limit: the input gives up with `timedOut` (at open, or for each request) and the run ends
    /// at once.
    @Test func timeLimitEndsWorkOnAnInput() throws {
        try Scratch.with { scratch in
            let times = (0..<40).map { String(Double($0) / 4) }.joined(separator: ",")
            let result = try scratch.run([bframesPath, "--json", "-o", "out/{name}-{index}.png", "-t", times,
                                          "--timeout", "0.001"], timeout: 20)
            #expect(result.status == 1, "\(result)")
            let records = jsonRecords(result)
            let mine = records.filter { $0.input == bframesPath }
            #expect(mine.contains { $0.code == "timedOut" }, "\(result)")
            #expect(mine.allSatisfy { $0.isImage || $0.code == "timedOut" }, "\(result)")
            #expect(mine.first { $0.code == "timedOut" }?.error?.contains("time limit of 0.001 s") == true, "\(result)")
            scratch.expectOnlyPNGs(under: "out")
        }
    }

    @Test(arguments: [["--timeout", "-1"], ["--timeout", "soon"], ["--max-pixels", "0"], ["--max-pixels", "10xa"]])
    func badLimitsAreUsageErrors(arguments: [String]) throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-t", "1"] + arguments)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains(arguments[0]), "\(result)")
        }
    }
}
