import Foundation
import FrameGrab
import TestSupport
import XCTest

/// Proves the storyboard test tooling before `framegrab storyboard` exists: a storyboard made by the ffmpeg
/// command (`fps=1:round=up,scale,tile`) with a VTT written here passes the WebVTT validator, and headless Chromium,
/// doing what a web player does with it, draws exactly the sprite cells the VTT points at. The validator's
/// own checks are proved on broken VTTs.
final class BrowserHarnessTests: XCTestCase {
    static let fixture = "h264-bframes.mp4"
    /// Cells of 120×90 (the fixture is 320×240), 3 across and 2 down: 10 one-second cells on two sheets.
    static let (cellWidth, cellHeight, columns, rows) = (120, 90, 3, 2)

    /// `fixture`'s storyboard in `folder` as framegrab will name it (`h264-bframes-storyboard-N.ext`,
    /// `h264-bframes.vtt`): one cell per second, cue k from k s to k + 1 s (the last to the duration).
    /// Returns the VTT and the duration. `round=up` makes cell k the frame shown at exactly k s (frame 25k);
    /// fps's default, `near`, takes the last frame before k + 0.5 s.
    static func makeStoryboard(in folder: URL, ext: String) throws -> (vtt: URL, duration: Double) {
        let stem = (fixture as NSString).deletingPathExtension
        var arguments = ["-loglevel", "error", "-i", Fixtures.path(fixture),
                         "-vf", "fps=1:round=up,scale=\(cellWidth):\(cellHeight),tile=\(columns)x\(rows)"]
        if ext == "jpg" { arguments += ["-q:v", "3"] }
        try FFmpegTool.run(arguments + ["\(stem)-storyboard-%d.\(ext)"], in: folder)
        let duration = Fixtures.video(fixture).end.seconds
        let perSheet = columns * rows
        var text = "WEBVTT\n\n"
        for k in 0..<Int(duration.rounded(.up)) {
            let cell = k % perSheet
            text += "\(WebVTT.Time(seconds: Double(k))) --> \(WebVTT.Time(seconds: min(Double(k + 1), duration)))\n"
                + "\(stem)-storyboard-\(k / perSheet + 1).\(ext)#xywh=\(cell % columns * cellWidth),\(cell / columns * cellHeight),\(cellWidth),\(cellHeight)\n\n"
        }
        let vtt = folder.appendingPathComponent("\(stem).vtt")
        try Data(text.utf8).write(to: vtt)
        return (vtt, duration)
    }

    // MARK: Browser

    /// JPEG sheets: Chromium's decoding (libjpeg-turbo) and FFmpeg's differ by a few levels, so the canvas
    /// must be close to its cell and clearly closer to it than to any other cell.
    func testChromiumDrawsTheCuesCellsOfJPEGSheets() throws {
        try checkInBrowser(ext: "jpg", minPSNR: 30)
    }

    /// PNG sheets: the canvas is the cell, pixel for pixel.
    func testChromiumDrawsTheCuesCellsOfPNGSheetsExactly() throws {
        try checkInBrowser(ext: "png", minPSNR: .infinity)
    }

    private func checkInBrowser(ext: String, minPSNR: Double) throws {
        _ = try Browser.executable()
        try Scratch.with { scratch in
            let (vtt, duration) = try Self.makeStoryboard(in: scratch.url, ext: ext)
            let storyboard = try WebVTT.validatedStoryboard(at: vtt, duration: duration)
            XCTAssertEqual(storyboard.cues.count, 10)

            // Inside a cell of the first sheet (x and y offsets), the first cue of the second sheet (a boundary),
            // and inside the last cue.
            let times = [5.5, 6.0, 9.75]
            let shown = try Browser.thumbnails(vtt: vtt, at: times)

            // Both the page's parser and Chromium's <track> parser read the cues the validator read.
            let plain = storyboard.cues.map { WebVTT.Cue(identifier: nil, start: $0.start, end: $0.end, settings: "", payload: $0.payload) }
            XCTAssertEqual(shown.pageCues, plain, "the page's parser")
            XCTAssertEqual(shown.trackCues, plain, "Chromium's <track> parser")

            var sheets: [String: FrameImage] = [:]
            func sheet(_ file: String) throws -> FrameImage {
                if let decoded = sheets[file] { return decoded }
                let decoded = try SpriteSheets.decode(scratch.url(file))
                sheets[file] = decoded
                return decoded
            }
            let stem = (Self.fixture as NSString).deletingPathExtension
            let perSheet = Self.columns * Self.rows
            // Every cell of every sheet, to check that each canvas is nearer its own cell than any other.
            let cells: [(index: Int, image: FrameImage)] = try storyboard.cues.enumerated().map { index, cue in
                let region = try XCTUnwrap(cue.region)
                return (index, try sheet(region.file).cropped(x: region.x, y: region.y, width: region.width, height: region.height))
            }
            XCTAssertEqual(shown.thumbnails.count, times.count)
            for (time, thumbnail) in zip(times, shown.thumbnails) {
                let k = Int(time)
                let cell = k % perSheet
                let (file, x, y) = ("\(stem)-storyboard-\(k / perSheet + 1).\(ext)", cell % Self.columns * Self.cellWidth, cell / Self.columns * Self.cellHeight)
                XCTAssertEqual(thumbnail.time, time)
                XCTAssertEqual(thumbnail.cue, plain[k], "\(time) s: the cue the page chose")
                XCTAssertEqual(thumbnail.spriteURL, scratch.url(file).standardizedFileURL.absoluteString, "\(time) s")
                XCTAssertEqual([thumbnail.x, thumbnail.y, thumbnail.width, thumbnail.height], [x, y, Self.cellWidth, Self.cellHeight], "\(time) s")
                let decoded = try sheet(file)
                XCTAssertEqual([thumbnail.spriteWidth, thumbnail.spriteHeight], [decoded.width, decoded.height], "\(time) s: the sprite's size in Chromium")
                XCTAssertEqual([thumbnail.image.width, thumbnail.image.height], [Self.cellWidth, Self.cellHeight], "\(time) s: canvas size")
                guard thumbnail.image.width == Self.cellWidth, thumbnail.image.height == Self.cellHeight else { continue }

                let expected = decoded.cropped(x: x, y: y, width: Self.cellWidth, height: Self.cellHeight)
                let metrics = try ImageComparison.metrics(actual: thumbnail.image, golden: expected)
                if minPSNR.isInfinite {
                    XCTAssertEqual(metrics.maxDifference, 0, "\(time) s: the canvas differs from cell \(k) (\(metrics.differingPixels) pixels, PSNR \(metrics.psnr) dB)")
                } else {
                    XCTAssertGreaterThanOrEqual(metrics.psnr, minPSNR, "\(time) s: canvas against cell \(k) (max difference \(metrics.maxDifference))")
                }
                for other in cells where other.index != k {
                    let psnr = try ImageComparison.metrics(actual: thumbnail.image, golden: other.image).psnr
                    XCTAssertLessThan(psnr, metrics.psnr - 3, "\(time) s: the canvas is about as close to cell \(other.index) as to cell \(k)")
                }
                // And the picture is the fixture's frame at k s (25 fps: frame 25k), read from its pixels.
                XCTAssertEqual(frameNumber(in: thumbnail.image), 25 * k, "\(time) s: the frame number drawn in the canvas")
                print("BrowserHarnessTests \(ext) \(time) s → cue \(thumbnail.cue), canvas against its cell: max difference \(metrics.maxDifference), PSNR \(metrics.psnr) dB")
            }
        }
    }

    func testMissingTimesAndBadRegionsFailWithTheirReason() throws {
        _ = try Browser.executable()
        try Scratch.with { scratch in
            let (vtt, _) = try Self.makeStoryboard(in: scratch.url, ext: "png")
            XCTAssertThrowsError(try Browser.thumbnails(vtt: vtt, at: [1, 12])) { error in
                XCTAssertTrue("\(error)".contains("no cue contains 12 s"), "\(error)")
            }
            // A rectangle past the sprite's right edge.
            let text = try String(contentsOf: vtt, encoding: .utf8).replacingOccurrences(of: "#xywh=240,0,120,90", with: "#xywh=250,0,120,90")
            try Data(text.utf8).write(to: vtt)
            XCTAssertThrowsError(try Browser.thumbnails(vtt: vtt, at: [2.5])) { error in
                XCTAssertTrue("\(error)".contains("is not inside the 360x180 sprite"), "\(error)")
            }
        }
    }

    // MARK: Validator

    private static let goodText = """
        WEBVTT

        00:00:00.000 --> 00:00:02.000
        a-storyboard-1.jpg#xywh=0,0,160,90

        00:00:02.000 --> 00:00:04.000
        a-storyboard-1.jpg#xywh=160,0,160,90

        00:00:04.000 --> 00:00:05.500
        a-storyboard-2.jpg#xywh=0,0,160,90

        """

    /// Sprite sizes without files: sheet 1 is 320×90, sheet 2 is 160×90.
    private static func fakeSizes(_ url: URL) throws -> (width: Int, height: Int) {
        switch url.lastPathComponent {
        case "a-storyboard-1.jpg": return (320, 90)
        case "a-storyboard-2.jpg": return (160, 90)
        default: throw WebVTT.ProbeError(description: "no such sprite")
        }
    }

    private func problems(_ text: String, duration: Double = 5.5) throws -> [String] {
        try WebVTT(parsing: text).storyboardProblems(folder: URL(fileURLWithPath: "/nonexistent"), duration: duration,
                                                    imageSize: Self.fakeSizes)
    }

    func testValidatorAcceptsAStoryboardAndReturnsItsCues() throws {
        let vtt = try WebVTT(parsing: Self.goodText)
        XCTAssertEqual(vtt.cues.map(\.start.milliseconds), [0, 2000, 4000])
        XCTAssertEqual(vtt.cues.map(\.end.description), ["00:00:02.000", "00:00:04.000", "00:00:05.500"])
        XCTAssertEqual(vtt.cues[1].region, WebVTT.Region(file: "a-storyboard-1.jpg", x: 160, y: 0, width: 160, height: 90))
        XCTAssertEqual(try problems(Self.goodText), [])
        // Within 1 ms of the duration; CRLF line ends, a byte order mark, identifiers, a NOTE, MM:SS.mmm.
        XCTAssertEqual(try problems(Self.goodText, duration: 5.5009), [])
        let variant = "\u{FEFF}WEBVTT - storyboard\r\n\r\nNOTE made by hand\r\n\r\n1\r\n00:00.000 --> 00:02.000\r\na-storyboard-1.jpg#xywh=0,0,160,90\r\n\r\n"
            + "2\r\n00:02.000 --> 00:05.500 line:0\r\na%2Dstoryboard-2.jpg#xywh=pixel:0,0,160,90\r\n"
        let parsed = try WebVTT(parsing: variant)
        XCTAssertEqual(parsed.cues.map(\.identifier), ["1", "2"])
        XCTAssertEqual(parsed.cues[1].settings, "line:0")
        XCTAssertEqual(parsed.cues[1].region?.file, "a-storyboard-2.jpg")
        XCTAssertEqual(try problems(variant), [])
    }

    func testValidatorReportsEachProblem() throws {
        func expect(_ text: String, duration: Double = 5.5, _ fragment: String, line: UInt = #line) throws {
            let found = try problems(text, duration: duration)
            XCTAssertTrue(found.contains { $0.contains(fragment) }, "expected a problem containing \"\(fragment)\", got \(found)", line: line)
        }
        let good = Self.goodText
        try expect(good.replacingOccurrences(of: "00:00:02.000\na-storyboard-1.jpg#xywh=0", with: "00:00:01.900\na-storyboard-1.jpg#xywh=0"), "a gap")
        try expect(good.replacingOccurrences(of: "00:00:02.000\na-storyboard-1.jpg#xywh=0", with: "00:00:02.100\na-storyboard-1.jpg#xywh=0"), "an overlap")
        try expect(good, duration: 5.502, "not at the video's duration")
        try expect(good.replacingOccurrences(of: "00:00:00.000 -->", with: "00:00:00.040 -->"), "the first cue starts at 00:00:00.040")
        try expect(good.replacingOccurrences(of: "00:00:04.000 --> 00:00:05.500", with: "00:00:04.000 --> 00:00:04.000"), "does not end after it starts")
        try expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:05.000 --> 00:00:04.000"), "out of order")
        try expect(good.replacingOccurrences(of: "xywh=160,0,160,90", with: "xywh=161,0,160,90"), "goes outside its 320×90 sprite")
        try expect(good.replacingOccurrences(of: "a-storyboard-2.jpg#xywh=0,0,160,90", with: "a-storyboard-2.jpg#xywh=0,1,160,90"), "goes outside its 160×90 sprite")
        try expect(good.replacingOccurrences(of: "a-storyboard-2.jpg", with: "a-storyboard-3.jpg"), "no such sprite")
        try expect(good.replacingOccurrences(of: "#xywh=0,0,160,90\n\n00:00:02", with: "\n\n00:00:02"), "is not one relative")
        try expect(good.replacingOccurrences(of: "a-storyboard-2.jpg#", with: "/tmp/a-storyboard-2.jpg#"), "is not one relative")
        try expect(good.replacingOccurrences(of: "a-storyboard-2.jpg#", with: "file:///tmp/a-storyboard-2.jpg#"), "is not one relative")
        try expect(good.replacingOccurrences(of: "xywh=0,0,160,90", with: "xywh=0,0,0,90"), "empty rectangle")
        try expect("WEBVTT\n", "no cues")
    }

    func testValidatorRejectsBadSyntax() {
        func expect(_ text: String, line: Int, _ fragment: String, sourceLine: UInt = #line) {
            XCTAssertThrowsError(try WebVTT(parsing: text), line: sourceLine) { error in
                guard let error = error as? WebVTT.SyntaxError else { return XCTFail("\(error)", line: sourceLine) }
                XCTAssertEqual(error.line, line, "\(error)", line: sourceLine)
                XCTAssertTrue(error.message.contains(fragment), "\(error)", line: sourceLine)
            }
        }
        let good = Self.goodText
        expect("WEBVTTX\n\n" + good.dropFirst(8), line: 1, "WEBVTT header")
        expect(String(good.dropFirst(8)), line: 1, "WEBVTT header")
        expect(good.replacingOccurrences(of: "WEBVTT\n\n", with: "WEBVTT\n"), line: 2, "blank line must separate")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:02.000 --> 00:00:04,000"), line: 6, "malformed end time")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "0:00:02.000 --> 00:00:04.000"), line: 6, "malformed start time")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:02.00 --> 00:00:04.000"), line: 6, "malformed start time")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:02.000 -> 00:00:04.000"), line: 6, "not a cue")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:02.000-->00:00:04.000"), line: 6, "malformed cue timing")
        expect(good.replacingOccurrences(of: "00:00:02.000 --> 00:00:04.000", with: "00:00:02.000 --> 00:00:04.000\n00:00:04.000 --> 00:00:05.000"), line: 7, "blank line missing")
        expect(good + "\n00:61:00.000 --> 00:62:00.000\nx#xywh=0,0,1,1\n", line: 12, "malformed start time")
    }
}
