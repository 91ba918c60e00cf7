import Foundation
import XCTest

/// The storyboard test tooling, before `framegrab storyboard` exists: the WebVTT validator, proved on good
/// and broken VTTs.
final class BrowserHarnessTests: XCTestCase {
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
