import TextRendering
import XCTest

final class CanvasTests: XCTestCase {
    func testClippingAtTheEdgesDrawsThePartInside() throws {
        let font = try Font.dejaVuSans(pixelHeight: 16)
        let text = "12:34.567"
        // The same text on a larger canvas, then the window of it that a small canvas shows.
        let whole = rendering(text, font: font, width: 120, height: 40, x: 20, baseline: 28)
        for (dx, dy) in [(-25, -20), (-60, 0), (30, 5), (0, -25), (-5, 12)] {
            var small = Canvas(width: 50, height: 20, fill: .black)
            font.draw(text, into: &small, x: 20 + dx, baseline: 28 + dy, color: .white)
            for y in 0..<small.height {
                for x in 0..<small.width {
                    let (wx, wy) = (x - dx, y - dy)
                    let expected = (0..<whole.width).contains(wx) && (0..<whole.height).contains(wy) ? whole[wx, wy] : .black
                    XCTAssertEqual(small[x, y], expected, "offset (\(dx), \(dy)) pixel (\(x), \(y))")
                }
            }
        }
    }

    func testDrawingFarOutsideOrOnAnEmptyCanvasChangesNothing() throws {
        let font = try Font.dejaVuSans(pixelHeight: 16)
        let blank = Canvas(width: 30, height: 10, fill: .black)
        for (x, baseline) in [(Int.min, Int.min), (Int.max, Int.max), (Int.min, 5), (5, Int.max), (-1000, 5), (5, -1000), (31, 5)] {
            var canvas = blank
            font.draw("12:34.567", into: &canvas, x: x, baseline: baseline, color: .white)
            XCTAssertEqual(canvas, blank, "at (\(x), \(baseline))")
        }
        var empty = Canvas(width: 0, height: 0)
        font.draw("12:34.567", into: &empty, x: 0, baseline: 0, color: .white)
        XCTAssertEqual(empty.pixels, [])
    }

    func testCoverageBlendsWithStraightAlpha() throws {
        let font = try Font.dejaVuSans(pixelHeight: 24)
        // On a transparent canvas the colour stays the colour and the coverage becomes alpha.
        var clear = Canvas(width: 40, height: 30)
        font.draw("8", into: &clear, x: 4, baseline: 24, color: RGBA(200, 100, 50))
        let inked = inkedPixels(clear, background: .transparent)
        XCTAssertFalse(inked.isEmpty)
        XCTAssert(inked.allSatisfy { let p = clear[$0.x, $0.y]; return (p.red, p.green, p.blue) == (200, 100, 50) })
        XCTAssert(inked.contains { clear[$0.x, $0.y].alpha == 255 } && inked.contains { clear[$0.x, $0.y].alpha < 255 })
        // On black, white at partial coverage gives grey of the same level, opaque.
        var black = Canvas(width: 40, height: 30, fill: .black)
        font.draw("8", into: &black, x: 4, baseline: 24, color: .white)
        for pixel in inked {
            let alpha = clear[pixel.x, pixel.y].alpha
            XCTAssertEqual(black[pixel.x, pixel.y], RGBA(alpha, alpha, alpha))
        }
        // Half-transparent text gives at most half the level.
        var faint = Canvas(width: 40, height: 30, fill: .black)
        font.draw("8", into: &faint, x: 4, baseline: 24, color: RGBA(255, 255, 255, 128))
        XCTAssertEqual(inkedPixels(faint, background: .black).map { faint[$0.x, $0.y].red }.max(), 128)
    }

    func testFillIsClipped() {
        var canvas = Canvas(width: 4, height: 3, fill: .black)
        canvas.fill(.white, x: 2, y: -1, width: Int.max, height: 2)
        XCTAssertEqual(canvas.pixels.count, 48)
        XCTAssertEqual(inkedPixels(canvas, background: .black).map { [$0.x, $0.y] }, [[2, 0], [3, 0]])
    }
}
