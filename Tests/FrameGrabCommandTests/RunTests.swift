import Foundation
import FrameGrab
@testable import FrameGrabCommand
import TestSupport
import Testing

/// Whole grab runs in this process: the records they print, the files they write, and --skip-existing.
@Suite struct RunTests {
    @Test func aRunWritesTheFrameOnScreenAndSaysSoInJSON() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let captured = CapturedOutput()
        var settings = try settings([Fixtures.path("h264-bframes.mp4")], times: ["0.5,1.5,99"], template: folder.path("{name}-{index}.png"))
        settings.json = true
        let status = await GrabRun(settings: settings, output: captured.output()).run()
        #expect(status == 1, "the time past the end fails, so the run does")
        let records = try captured.jsonObjects()
        let video = Fixtures.video("h264-bframes.mp4")
        let images = records.filter { $0["path"] != nil }
        #expect(images.count == 2)
        for record in images {
            let path = try #require(record["path"] as? String)
            let requested = try #require(record["requested"] as? Double)
            let image = try await FrameImage.decodingPNG([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            let expected = video.frameShown(at: MediaTime(seconds: requested, preferredTimescale: 1000))
            #expect(frameNumber(in: image) == expected, "\(path)")
            #expect(record["width"] as? Int == image.width && record["height"] as? Int == image.height)
        }
        let failure = try #require(records.first { $0["code"] != nil && $0["summary"] == nil })
        #expect(failure["index"] as? Int == 3)
        #expect(failure["code"] as? String == FrameGrabError.Code.beyondEnd.rawValue)
        let summary = try #require(records.last?["summary"] as? [String: Any])
        #expect(summary["written"] as? Int == 2 && summary["failed"] as? Int == 1 && summary["files"] as? Int == 1)
    }

    @Test func skipExistingAnswersWhatIsThereWithoutDecodingAndRedoesWhatIsTruncated() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var settings = try settings([Fixtures.path("vp9.webm")], times: ["0.2,0.6"], template: folder.path("{index}.png"))
        settings.json = true
        #expect(await GrabRun(settings: settings, output: CapturedOutput().output()).run() == 0)
        // A half-written image (no IEND) does not count as there.
        let second = folder.path("2.png")
        let whole = try Data(contentsOf: URL(fileURLWithPath: second))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: second))
        settings.skipExisting = true
        let captured = CapturedOutput()
        #expect(await GrabRun(settings: settings, output: captured.output()).run() == 0)
        let records = try captured.jsonObjects()
        #expect(records.filter { $0["skipped"] as? Bool == true }.map { $0["index"] as? Int } == [1])
        #expect(records.filter { $0["width"] != nil }.map { $0["index"] as? Int } == [2])
        #expect(try Data(contentsOf: URL(fileURLWithPath: second)) == whole)
        let summary = try #require(records.last?["summary"] as? [String: Any])
        #expect(summary["skipped"] as? Int == 1 && summary["written"] as? Int == 1)
    }

    @Test func plainRunsPrintPathsOnStdoutAndFailuresOnStderr() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let captured = CapturedOutput()
        var settings = try settings([Fixtures.path("vp9.webm"), folder.path("missing.mp4")], times: ["0.5"],
                                    template: folder.path("{name}.png"))
        settings.quiet = false
        #expect(await GrabRun(settings: settings, output: captured.output()).run() == 1)
        #expect(captured.standardOutput == [folder.path("vp9.png")])
        #expect(captured.standardError.contains { $0.hasPrefix("framegrab: \(folder.path("missing.mp4"))") })
        #expect(captured.standardError.last?.hasPrefix("framegrab: 1 written, 1 failed, 0 skipped (2 files,") == true)
    }
}
