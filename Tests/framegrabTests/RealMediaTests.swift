import Foundation
import TestSupport
import XCTest

/// framegrab against FFmpeg on the real videos of `../shared/real_media` (phone clips, broadcast streams,
/// animations…, kept beside the repository, never in it): `scripts/real-media-check` checks, for each file,
/// the frame each request gets (exact, `--tolerance keyframe`, `--tolerance 0.5`, in a batch and alone), the
/// picture against ffmpeg's decoding of that frame, and the display geometry. Skipped where the folder is
/// missing. Known failures are listed, each with its reason, in `Tests/real-media-expected-failures.txt`.
final class RealMediaTests: XCTestCase {
    /// The repository: Tests/Fixtures/.. /..
    static let repository = Fixtures.folder.deletingLastPathComponent().deletingLastPathComponent()

    func testRealMediaMatchesFFmpeg() throws {
        let repository = RealMediaTests.repository
        let media = repository.deletingLastPathComponent().appendingPathComponent("shared/real_media")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: media.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw XCTSkip("\(media.path): real_media not found (the real videos are kept beside the repository, in ../shared/real_media)")
        }
        let binary: URL
        switch Framegrab.executable {
        case .success(let url): binary = url
        case .failure(let error):
            XCTFail("\(error)")
            return
        }
        let script = repository.appendingPathComponent("scripts/real-media-check")
        var arguments = [script.path, "--framegrab", binary.path, "--media", media.path]
        let expected = repository.appendingPathComponent("Tests/real-media-expected-failures.txt")
        if FileManager.default.fileExists(atPath: expected.path) {
            arguments += ["--expect-failures", expected.path]
        }

        try Scratch.with { scratch in
            // Output to files rather than pipes: nothing to drain while waiting.
            let outPath = scratch.path("real-media.out"), errPath = scratch.path("real-media.err")
            _ = FileManager.default.createFile(atPath: outPath, contents: nil)
            _ = FileManager.default.createFile(atPath: errPath, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments + ["--json", scratch.path("real-media.json")]
            process.currentDirectoryURL = repository
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = out
            process.standardError = err
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            // About three minutes on two cores; a generous limit for slower machines.
            let timedOut = exited.wait(timeout: .now() + 1800) == .timedOut
            if timedOut {
                process.terminate()
                exited.wait()
            }
            try out.close()
            try err.close()
            let report = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            print("scripts/real-media-check \(arguments.dropFirst().joined(separator: " "))\n\(report)\(errors)")
            #if canImport(Darwin)
            let attachment = XCTAttachment(string: report + errors)
            attachment.name = "real-media-check"
            attachment.lifetime = .keepAlways
            add(attachment)
            #endif
            XCTAssertFalse(timedOut, "scripts/real-media-check was still running after 30 minutes; killed it")
            XCTAssertEqual(process.terminationStatus, 0,
                           "scripts/real-media-check found failures (status \(process.terminationStatus)):\n"
                               + report.split(separator: "\n").filter { !$0.contains(": ok") }.joined(separator: "\n") + "\n" + errors)
        }
    }
}
