import Foundation
import FrameGrab
import TestSupport
import XCTest

/// framegrab's own storyboards in a real browser: headless Chromium reads the VTT as web players do and
/// draws the cell of three times onto a canvas, which must be `grab`'s image of the cue's time (exactly
/// for PNG sprites, to JPEG's precision for the default JPEG ones). CI installs Chromium
/// (`scripts/bootstrap --with-browser`); elsewhere the test is skipped without it.
final class StoryboardBrowserTests: XCTestCase {
    static let fixture = "h264-bframes.mp4"

    /// Runs the built framegrab in `folder` and returns its stdout; fails the test on a non-zero status.
    func framegrab(_ arguments: [String], in folder: URL) throws -> String {
        let binary = try Framegrab.executable.get()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "framegrab \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    /// JPEG: the canvas is the sprite's cell as FFmpeg decodes it (to decoders' precision), and grab's image
    /// to JPEG's (quality 85 with halved chroma on saturated colour bars: about 23 dB), with its frame number.
    func testChromiumShowsGrabsFramesFromAJPEGStoryboard() throws {
        try check(format: "jpeg", minPSNR: 20)
    }

    func testChromiumShowsGrabsFramesFromAPNGStoryboardExactly() throws {
        try check(format: "png", minPSNR: .infinity)
    }

    private func check(format: String, minPSNR: Double) throws {
        _ = try Browser.executable()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-storyboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.path(Self.fixture)
        _ = try framegrab(["storyboard", input, "--every", "1", "--columns", "3", "--rows", "2", "--tile-width", "120",
                           "--format", format, "-o", "board", "-q"], in: folder)
        let probe = try framegrab(["probe", "--json", input], in: folder)
        let duration = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(probe.utf8)) as? [String: Any])?["duration"] as? Double)
        let vtt = folder.appendingPathComponent("board/h264-bframes.vtt")
        let storyboard = try WebVTT.validatedStoryboard(at: vtt, duration: duration)
        XCTAssertEqual(storyboard.cues.count, 10)

        // Inside a cell of the first sprite, the first cell of the second sprite (a cue boundary), the last cue.
        let times = [2.5, 6.0, 9.75]
        let shown = try Browser.thumbnails(vtt: vtt, at: times)
        XCTAssertEqual(shown.trackCues.map(\.payload), storyboard.cues.map(\.payload), "Chromium's <track> parser reads every cue")
        XCTAssertEqual(shown.thumbnails.count, times.count)
        let video = Fixtures.video(Self.fixture)
        for (time, thumbnail) in zip(times, shown.thumbnails) {
            let second = Int(time)
            XCTAssertEqual(thumbnail.cue.start.milliseconds, second * 1000, "\(time) s: the cue that contains it")
            // grab's image of the cue's time, at the cell's size.
            _ = try framegrab([input, "-t", "\(second)", "--max-size", "120x0", "-o", "grab/\(second).png", "-q"], in: folder)
            let expected = try FrameImage(contentsOfPNG: folder.appendingPathComponent("grab/\(second).png"))
            XCTAssertEqual([thumbnail.image.width, thumbnail.image.height], [expected.width, expected.height], "\(time) s")
            guard thumbnail.image.width == expected.width, thumbnail.image.height == expected.height else { continue }
            let metrics = try ImageComparison.metrics(actual: thumbnail.image, golden: expected)
            // The cell as FFmpeg decodes the sprite: what Chromium drew, up to the decoders' rounding.
            let region = try XCTUnwrap(thumbnail.cue.region)
            let cell = try SpriteSheets.decode(vtt.deletingLastPathComponent().appendingPathComponent(region.file))
                .cropped(x: region.x, y: region.y, width: region.width, height: region.height)
            XCTAssertGreaterThanOrEqual(try ImageComparison.metrics(actual: thumbnail.image, golden: cell).psnr, 30, "\(time) s: the canvas against its cell")
            if minPSNR.isInfinite {
                XCTAssertEqual(metrics.maxDifference, 0, "\(time) s: the canvas differs from grab's image (\(metrics.differingPixels) pixels)")
            } else {
                XCTAssertGreaterThanOrEqual(metrics.psnr, minPSNR, "\(time) s: the canvas against grab's image")
            }
            XCTAssertEqual(frameNumber(in: thumbnail.image), video.frameShown(at: MediaTime(value: Int64(second), timescale: 1)),
                           "\(time) s: the frame number drawn in the canvas")
        }
    }
}
