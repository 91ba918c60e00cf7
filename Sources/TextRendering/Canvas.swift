/// An 8-bit RGBA picture to draw on: straight (not premultiplied) alpha, rows from the top, packed
/// without padding (`width × 4` bytes a row).
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// The samples, R G B A for each pixel, row after row from the top.
    public private(set) var pixels: [UInt8]

    /// A canvas of one colour. `width` and `height` must not be negative.
    public init(width: Int, height: Int, fill: RGBA = .transparent) {
        precondition(width >= 0 && height >= 0, "a canvas has no negative size")
        self.width = width
        self.height = height
        pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, count in
            for index in stride(from: 0, to: buffer.count, by: 4) {
                buffer[index] = fill.red
                buffer[index + 1] = fill.green
                buffer[index + 2] = fill.blue
                buffer[index + 3] = fill.alpha
            }
            count = buffer.count
        }
    }

    /// A canvas over existing samples; `pixels` must hold exactly `width × height × 4` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "a canvas has no negative size")
        precondition(pixels.count == width * height * 4, "pixel buffer size does not match the canvas")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y` (both inside the canvas).
    public subscript(x: Int, y: Int) -> RGBA {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel outside the canvas")
            let index = (y * width + x) * 4
            return RGBA(pixels[index], pixels[index + 1], pixels[index + 2], pixels[index + 3])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel outside the canvas")
            let index = (y * width + x) * 4
            pixels[index] = newValue.red
            pixels[index + 1] = newValue.green
            pixels[index + 2] = newValue.blue
            pixels[index + 3] = newValue.alpha
        }
    }

    /// Gives `body` the samples to read and change in place (R G B A per pixel, rows from the top), for
    /// copying whole pictures onto the canvas faster than pixel by pixel.
    public mutating func withUnsafeMutablePixels<Result>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Sets every pixel of the rectangle to `color` (replacing, not blending); the part outside the
    /// canvas is ignored.
    public mutating func fill(_ color: RGBA, x: Int, y: Int, width: Int, height: Int) {
        let columns = Self.clip(x, width, to: self.width), rows = Self.clip(y, height, to: self.height)
        guard !columns.isEmpty, !rows.isEmpty else { return }
        for row in rows {
            for column in columns { self[column, row] = color }
        }
    }

    /// Blends `color` over the pixel at byte offset `index` with `coverage` (0–255) as extra opacity:
    /// source-over with straight alpha, in integers so the result is the same everywhere.
    mutating func blend(_ color: RGBA, coverage: UInt8, at index: Int) {
        let sourceAlpha = (Int(coverage) * Int(color.alpha) + 127) / 255
        guard sourceAlpha > 0 else { return }
        let destinationAlpha = Int(pixels[index + 3])
        let keep = destinationAlpha * (255 - sourceAlpha)  // the destination's weight, scaled by 255
        let outAlpha255 = sourceAlpha * 255 + keep         // the result's alpha, scaled by 255
        func mix(_ source: UInt8, _ destination: UInt8) -> UInt8 {
            UInt8((Int(source) * sourceAlpha * 255 + Int(destination) * keep + outAlpha255 / 2) / outAlpha255)
        }
        pixels[index] = mix(color.red, pixels[index])
        pixels[index + 1] = mix(color.green, pixels[index + 1])
        pixels[index + 2] = mix(color.blue, pixels[index + 2])
        pixels[index + 3] = UInt8((outAlpha255 + 127) / 255)
    }

    /// The part of `start ..< start + length` inside `0 ..< limit`, without overflow for any input.
    static func clip(_ start: Int, _ length: Int, to limit: Int) -> Range<Int> {
        guard length > 0, start < limit else { return 0..<0 }
        let lower = max(0, start)
        let (end, overflow) = start.addingReportingOverflow(length)
        let upper = overflow ? limit : min(limit, end)
        return lower < upper ? lower..<upper : 0..<0
    }
}
