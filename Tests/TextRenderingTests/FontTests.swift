import Foundation
import Locking
import TextRendering
import XCTest

final class FontTests: XCTestCase {
    func testMeasureGrowsWithTextLength() throws {
        let font = try Font.dejaVuSans(pixelHeight: 16)
        let text = "12:34.567 – holiday.mkv"
        var previous = font.measure("").width
        XCTAssertEqual(previous, 0)
        for length in 1...text.count {
            let width = font.measure(String(text.prefix(length))).width
            XCTAssertGreaterThan(width, previous, "prefix of \(length) characters")
            previous = width
        }
        XCTAssertEqual(font.measure("").height, font.ascent + font.descent)
    }

    func testMeasureAtLargerSizeIsWider() throws {
        let small = try Font.dejaVuSans(pixelHeight: 12), large = try Font.dejaVuSans(pixelHeight: 24)
        XCTAssertGreaterThan(large.measure("12:34.567").width, small.measure("12:34.567").width)
        XCTAssertGreaterThan(large.ascent, small.ascent)
        XCTAssertGreaterThanOrEqual(large.lineHeight, large.ascent + large.descent)
    }

    func testKerningTightensPairs() throws {
        let font = try Font.dejaVuSans(pixelHeight: 32)
        // DejaVu Sans kerns "AV"; drawn unkerned it would be exactly the two advances.
        XCTAssertLessThan(font.measure("AV").width, font.measure("A").width + font.measure("V").width)
    }

    func testInkStaysInsideTheMeasuredBox() throws {
        let font = try Font.dejaVuSans(pixelHeight: 16)
        for text in ["12:34.567", "jÅgy_|", "00:00.000"] {
            let metrics = font.measure(text)
            let (x, baseline) = (10, 32)
            let inked = inkedPixels(rendering(text, font: font, x: x, baseline: baseline), background: .black)
            XCTAssertGreaterThan(inked.count, 30, text)
            for pixel in inked {
                XCTAssert((x..<x + metrics.width).contains(pixel.x), "\(text): ink at column \(pixel.x), box \(x)..<\(x + metrics.width)")
                XCTAssert((baseline - metrics.ascent..<baseline + metrics.descent).contains(pixel.y),
                          "\(text): ink at row \(pixel.y)")
            }
            // The box is not much larger than the ink: it starts within a couple of pixels of it.
            XCTAssertLessThanOrEqual(inked.map(\.x).min()! - x, 2, text)
            XCTAssertLessThanOrEqual(x + metrics.width - inked.map(\.x).max()!, 4, text)
        }
    }

    func testDrawingIsDeterministic() throws {
        let font = try Font.dejaVuSans(pixelHeight: 15)
        let first = rendering("12:34.567", font: font), second = rendering("12:34.567", font: font)
        XCTAssertEqual(first.pixels, second.pixels)
        let otherFont = try Font.dejaVuSans(pixelHeight: 15)
        XCTAssertEqual(rendering("12:34.567", font: otherFont).pixels, first.pixels)
        XCTAssertNotEqual(rendering("12:34.568", font: font).pixels, first.pixels)
    }

    func testNonASCIIDraws() throws {
        let font = try Font.dejaVuSans(pixelHeight: 16)
        XCTAssertNotEqual(rendering("é", font: font).pixels, rendering("e", font: font).pixels)
        XCTAssertNotEqual(rendering("Ω", font: font).pixels, rendering("", font: font).pixels)
        // DejaVu Sans has no CJK: "東" and "京" both draw as the same .notdef box, which has ink.
        let east = rendering("東", font: font), capital = rendering("京", font: font)
        XCTAssertEqual(east.pixels, capital.pixels)
        XCTAssertFalse(inkedPixels(east, background: .black).isEmpty)
        // A decomposed "é" (e + combining acute) inks more than the "e" alone.
        XCTAssertGreaterThan(inkedPixels(rendering("e\u{301}", font: font), background: .black).count,
                             inkedPixels(rendering("e", font: font), background: .black).count)
    }

    func testFontsFailWithClearErrors() throws {
        XCTAssertThrowsError(try Font(path: "/nonexistent/font.ttf", pixelHeight: 12)) { error in
            XCTAssertEqual(error as? TextRenderingError, .fontFileNotFound(path: "/nonexistent/font.ttf", debianPackage: nil))
        }
        XCTAssertThrowsError(try Font.dejaVuSans(pixelHeight: 0)) { error in
            XCTAssertEqual(error as? TextRenderingError, .invalidPixelHeight(0))
        }
        let notAFont = FileManager.default.temporaryDirectory.appendingPathComponent("TextRenderingTests-\(UUID().uuidString).ttf")
        try Data("not a font".utf8).write(to: notAFont)
        defer { try? FileManager.default.removeItem(at: notAFont) }
        XCTAssertThrowsError(try Font(path: notAFont.path, pixelHeight: 12)) { error in
            guard case let .freeType(call, code)? = error as? TextRenderingError else { return XCTFail("\(error)") }
            XCTAssert(call.hasPrefix("FT_New_Face"), call)
            XCTAssertEqual(code, 2)  // FT_Err_Unknown_File_Format
            XCTAssertEqual("\(error)", "FT_New_Face(\(notAFont.path)) failed: FreeType error 2, unknown file format")
        }
        XCTAssertEqual("\(TextRenderingError.fontFileNotFound(path: Font.dejaVuSansPath, debianPackage: "fonts-dejavu-core"))",
                       "font not found: \(Font.dejaVuSansPath) (install Debian's fonts-dejavu-core package: apt-get install fonts-dejavu-core)")
    }

    func testOneFontDrawsFromManyThreadsAlike() throws {
        let font = try Font.dejaVuSans(pixelHeight: 14)
        let texts = (0..<16).map { "\($0):0\($0 % 10).\($0 * 37 % 1000) – ünïcode" }
        let expected = texts.map { rendering($0, font: font).pixels }
        let results = Lock<[Int: [UInt8]]>([:])
        let fresh = try Font.dejaVuSans(pixelHeight: 14)  // its glyph cache fills from several threads at once
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            let pixels = rendering(texts[index], font: fresh).pixels
            results.withLock { $0[index] = pixels }
        }
        let drawn = results.withLock { pixels in texts.indices.map { pixels[$0] } }
        XCTAssertEqual(drawn, expected)
    }
}
