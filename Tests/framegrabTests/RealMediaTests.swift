import Foundation
import TestSupport
import XCTest

/// framegrab against FFmpeg on real videos: those of `../shared/real_media` (phone clips, broadcast streams,
/// animations…, kept beside the repository, never in it; left out where the folder is missing) and the ones
/// `scripts/real-media-extra` makes or fetches into `.build/real-media-extra` (xine-ui's raw MPEG-1 stream
/// and MPEG-PS logo from Debian's package, a Theora screencast, an Xvid AVI with packed B-frames, MPEG-4
/// with B-frames in NUT, raw H.264 with B-frames, interlaced MPEG-2 in MPEG-TS), which are checked
/// everywhere, CI included.
///
/// `scripts/real-media-check` checks, for each file, the frame each request gets: every frame interval of
/// files of up to 1000 frames (of windows of longer ones) at its start and a nanosecond before its end
/// (exact) and at its middle (`--tolerance keyframe`), in one batch per mode and 10 exact ones alone, plus
/// chosen times in those modes and with `--tolerance 0.5`; every exact picture against ffmpeg's decoding of
/// that frame; and the display geometry. With `--determinism` it runs the same requests three times with
/// one decoder thread and three times with four, and several inputs at once with `--jobs` under load, and
/// compares the bytes. Known failures are listed, each with its reason, in
/// `Tests/real-media-expected-failures.txt`. The two take about ten minutes on a busy two-core machine.
final class RealMediaTests: XCTestCase {
    /// The repository: Tests/Fixtures/.. /..
    static let repository = Fixtures.folder.deletingLastPathComponent().deletingLastPathComponent()
    static let extraFolder = repository.appendingPathComponent(".build/real-media-extra")

    /// `scripts/real-media-extra`'s exit status and what it said, once per test process (a second run finds
    /// the files made and costs nothing, but both tests need them before they start).
    static let extras: (status: Int32, output: String) = {
        do {
            let (status, output) = try RealMediaTests.runPython(
                [repository.appendingPathComponent("scripts/real-media-extra").path, "--dest", extraFolder.path], timeout: 900, name: "real-media-extra")
            return (status, output)
        } catch {
            return (-1, "\(error)")
        }
    }()

    func testRealMediaMatchesFFmpeg() throws {
        try check(mode: [], name: "real-media-check")
    }

    func testRealMediaIsTheSameOnEveryRun() throws {
        try check(mode: ["--determinism"], name: "real-media-check --determinism")
    }

    private func check(mode: [String], name: String) throws {
        let repository = RealMediaTests.repository
        let binary: URL
        switch Framegrab.executable {
        case .success(let url): binary = url
        case .failure(let error):
            XCTFail("\(error)")
            return
        }
        // ffprobe's account of each file is kept between runs (keyed by size and date): both tests read it.
        var arguments = [repository.appendingPathComponent("scripts/real-media-check").path, "--framegrab", binary.path,
                         "--cache", repository.appendingPathComponent(".build/real-media-cache").path] + mode
        let media = repository.deletingLastPathComponent().appendingPathComponent("shared/real_media")
        var isFolder: ObjCBool = false
        let haveMedia = FileManager.default.fileExists(atPath: media.path, isDirectory: &isFolder) && isFolder.boolValue
        arguments += ["--media", media.path]

        // The extra files: made with ffmpeg, and xine-ui's fetched from Debian. Without a network the
        // download fails: a failure under CI=true, where every file must be checked; elsewhere the files
        // that are there are checked and the rest is said.
        let extras = RealMediaTests.extras
        switch extras.status {
        case 0: break
        case 3 where ProcessInfo.processInfo.environment["CI"] != "true":
            print("scripts/real-media-extra could not download xine-ui (no network?); checking the files that are there:\n\(extras.output)")
        default:
            XCTFail("scripts/real-media-extra failed (status \(extras.status)):\n\(extras.output)")
        }
        if FileManager.default.fileExists(atPath: RealMediaTests.extraFolder.path) {
            arguments += ["--extra", RealMediaTests.extraFolder.path]
        } else if !haveMedia {
            throw XCTSkip("\(media.path) is missing and scripts/real-media-extra made nothing")
        }
        let expected = repository.appendingPathComponent("Tests/real-media-expected-failures.txt")
        if FileManager.default.fileExists(atPath: expected.path) {
            arguments += ["--expect-failures", expected.path]
        }

        let (status, report) = try RealMediaTests.runPython(arguments, timeout: 1800, name: name)
        print("scripts/\(name) \(arguments.dropFirst().joined(separator: " "))\n\(report)")
        #if canImport(Darwin)
        let attachment = XCTAttachment(string: report)
        attachment.name = name
        attachment.lifetime = .keepAlways
        add(attachment)
        #endif
        XCTAssertNotEqual(status, -1, "scripts/\(name) was still running after 30 minutes; killed it")
        XCTAssertEqual(status, 0, "scripts/\(name) found failures (status \(status)):\n"
                           + report.split(separator: "\n").filter { !$0.contains(": ok") }.joined(separator: "\n"))
    }

    /// Runs a Python script from the repository folder; returns its exit status (-1 when it timed out and was
    /// killed) and its stdout followed by its stderr. Output goes to files, not pipes: nothing to drain
    /// while waiting.
    static func runPython(_ arguments: [String], timeout: Double, name: String) throws -> (Int32, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-\(name.replacingOccurrences(of: " ", with: "-"))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try FileOutputProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: repository,
                                            stdout: folder.appendingPathComponent("out"), stderr: folder.appendingPathComponent("err"),
                                            timeout: timeout)
        return (run.timedOut ? -1 : run.status, run.stdout + run.stderr)
    }
}
