import Foundation
import FrameGrab
import TextRendering

/// A picture made of others: stills copied into cells, text drawn with FreeType, then handed out as an
/// 8-bit RGB `FrameImage` for encoding. Pixel work: callers run it on the library's `WorkPool`.
struct MosaicCanvas: Sendable {
    static let background = RGBA(24, 24, 24)
    static let text = RGBA(236, 236, 236)
    static let dimText = RGBA(170, 170, 170)
    /// A cell whose request failed.
    static let failedCell = RGBA(64, 24, 24)

    private(set) var canvas: Canvas

    init(width: Int, height: Int) {
        canvas = Canvas(width: width, height: height, fill: MosaicCanvas.background)
    }

    var width: Int { canvas.width }
    var height: Int { canvas.height }

    /// Copies `image` centred on `rect`, and cut to it: 8-bit samples as they are (the picture `grab`
    /// writes), 16-bit ones rounded to 8 bits, transparent pixels composited over the background.
    mutating func place(_ image: FrameImage, in rect: PixelRect) {
        let x = rect.x + (rect.width - image.width) / 2, y = rect.y + (rect.height - image.height) / 2
        let columns = max(0, x, rect.x)..<min(canvas.width, x + image.width, rect.x + rect.width)
        let rows = max(0, y, rect.y)..<min(canvas.height, y + image.height, rect.y + rect.height)
        guard !columns.isEmpty, !rows.isEmpty else { return }
        let format = image.pixelFormat, channels = format.channels, wide = format.bitsPerChannel == 16
        let background = MosaicCanvas.background, canvasWidth = canvas.width
        image.pixels.withUnsafeBufferPointer { source in
            canvas.withUnsafeMutablePixels { target in
                for row in rows {
                    let sourceRow = (row - y) * image.bytesPerRow
                    var to = (row * canvasWidth + columns.lowerBound) * 4
                    for column in columns {
                        let from = sourceRow + (column - x) * channels * (wide ? 2 : 1)
                        func sample(_ channel: Int) -> Int {
                            // 16-bit samples are in host byte order (little-endian here).
                            wide ? ((Int(source[from + channel * 2]) | (Int(source[from + channel * 2 + 1]) << 8)) + 128) / 257
                                 : Int(source[from + channel])
                        }
                        let alpha = format.hasAlpha ? sample(3) : 255
                        for channel in 0..<3 {
                            let value = sample(channel)
                            let under = channel == 0 ? Int(background.red) : channel == 1 ? Int(background.green) : Int(background.blue)
                            target[to + channel] = UInt8(alpha == 255 ? value : (value * alpha + under * (255 - alpha) + 127) / 255)
                        }
                        target[to + 3] = 255
                        to += 4
                    }
                }
            }
        }
    }

    /// Fills a rectangle with one colour.
    mutating func fill(_ color: RGBA, x: Int, y: Int, width: Int, height: Int) {
        canvas.fill(color, x: x, y: y, width: width, height: height)
    }

    /// Draws one line of text with its baseline at `baseline`, starting at `x`.
    mutating func draw(_ text: String, font: Font, x: Int, baseline: Int, color: RGBA = MosaicCanvas.text) {
        font.draw(text, into: &canvas, x: x, baseline: baseline, color: color)
    }

    /// Draws one line of text centred in `x ..< x + width`, shortened with "…" when it does not fit.
    mutating func drawCentred(_ text: String, font: Font, x: Int, width: Int, baseline: Int, color: RGBA = MosaicCanvas.text) {
        let shown = font.truncated(text, toWidth: width)
        let measured = font.measure(shown)
        draw(shown, font: font, x: x + (width - measured.width) / 2, baseline: baseline, color: color)
    }

    /// The canvas as an 8-bit RGB image (it is opaque).
    var image: FrameImage {
        var rgb = [UInt8](repeating: 0, count: canvas.width * canvas.height * 3)
        canvas.pixels.withUnsafeBufferPointer { source in
            rgb.withUnsafeMutableBufferPointer { target in
                var from = 0, to = 0
                while to < target.count {
                    target[to] = source[from]
                    target[to + 1] = source[from + 1]
                    target[to + 2] = source[from + 2]
                    from += 4
                    to += 3
                }
            }
        }
        return FrameImage(width: canvas.width, height: canvas.height, pixelFormat: .rgb8, pixels: rgb)
    }
}
