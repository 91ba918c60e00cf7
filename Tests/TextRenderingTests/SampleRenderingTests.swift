import FrameGrab
import Foundation
import TextRendering
import XCTest

/// Renders a mock contact-sheet caption to a PNG in the temporary folder, for a person to look at.
final class SampleRenderingTests: XCTestCase {
    func testSampleCaptionsAsPNG() throws {
        let header = try Font.dejaVuSans(pixelHeight: 15), label = try Font.dejaVuSans(pixelHeight: 12)
        var canvas = Canvas(width: 420, height: 150, fill: RGBA(24, 24, 24))
        let name = header.truncated("Sommerferien – Ærø, Þingvellir (final cut, 2023-08-14) 東京.mkv", toWidth: 408, at: .middle)
        header.draw(name, into: &canvas, x: 6, baseline: 6 + header.ascent, color: .white)
        let facts = "1:02:03.456  ·  1920×1080  ·  h264  ·  2.1 GB"
        header.draw(facts, into: &canvas, x: 6, baseline: 6 + header.ascent + header.lineHeight, color: RGBA(190, 190, 190))
        // Three tiles with their times centred under them, the last one cut by the canvas edge.
        for (index, time) in ["0:00.000", "12:34.567", "1:02:03.456"].enumerated() {
            let left = 6 + index * 150, width = 140
            canvas.fill(RGBA(60, 90, 120), x: left, y: 52, width: width, height: 70)
            let metrics = label.measure(time)
            label.draw(time, into: &canvas, x: left + (width - metrics.width) / 2, baseline: 124 + label.ascent, color: .white)
        }
        let image = FrameImage(width: canvas.width, height: canvas.height, pixelFormat: .rgba8, pixels: canvas.pixels)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("TextRenderingTests-sample.png")
        try image.writePNG(to: url)
        XCTAssertGreaterThan(try Data(contentsOf: url).count, 1000)
    }
}
