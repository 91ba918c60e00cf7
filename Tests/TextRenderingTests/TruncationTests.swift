import TextRendering
import XCTest

final class TruncationTests: XCTestCase {
    let fileName = "A very long holiday video with an ünïcode name, recorded 2023-08-14.mkv"

    func testTruncatedTextFitsTheWidth() throws {
        let font = try Font.dejaVuSans(pixelHeight: 14)
        for width in [20, 40, 100, 200, 300] {
            for position in [Font.Truncation.end, .middle] {
                let short = font.truncated(fileName, toWidth: width, at: position)
                XCTAssertLessThanOrEqual(font.measure(short).width, width, "\(position) \(width): \(short)")
                XCTAssert(short.contains("…"), short)
                // One more character would not have fitted: the ellipsis is not placed too early.
                XCTAssertGreaterThan(font.measure(short).width, width - font.measure("Wi").width, "\(position) \(width): \(short)")
            }
        }
        XCTAssert(font.truncated(fileName, toWidth: 200).hasPrefix("A very long"))
        XCTAssert(font.truncated(fileName, toWidth: 200, at: .middle).hasSuffix(".mkv"))
    }

    func testTextThatFitsIsKept() throws {
        let font = try Font.dejaVuSans(pixelHeight: 14)
        let width = font.measure(fileName).width
        XCTAssertEqual(font.truncated(fileName, toWidth: width), fileName)
        XCTAssertNotEqual(font.truncated(fileName, toWidth: width - 1), fileName)
        XCTAssertEqual(font.truncated("", toWidth: 0), "")
    }

    func testTooNarrowForTheEllipsisGivesNothing() throws {
        let font = try Font.dejaVuSans(pixelHeight: 14)
        XCTAssertEqual(font.truncated(fileName, toWidth: 0), "")
        XCTAssertEqual(font.truncated(fileName, toWidth: -5), "")
        XCTAssertEqual(font.truncated(fileName, toWidth: font.measure("…").width), "…")
    }

    func testNoSpaceBesideTheEllipsis() throws {
        let font = try Font.dejaVuSans(pixelHeight: 14)
        let width = font.measure("A very long…").width
        XCTAssertEqual(font.truncated("A very long holiday", toWidth: width + 2), "A very long…")
    }
}
