/// A still picture taken from a video: packed pixels, top row first, no padding between rows.
public struct FrameImage: Sendable, Equatable {
    public enum PixelFormat: Sendable, Equatable {
        /// 8-bit red, green, blue.
        case rgb8
        /// 8-bit red, green, blue, alpha (not premultiplied).
        case rgba8
        /// 16-bit red, green, blue; each sample two bytes in host byte order.
        case rgb16
        /// 16-bit red, green, blue, alpha; each sample two bytes in host byte order.
        case rgba16

        public var channels: Int { hasAlpha ? 4 : 3 }
        public var hasAlpha: Bool { self == .rgba8 || self == .rgba16 }
        public var bitsPerChannel: Int { self == .rgb16 || self == .rgba16 ? 16 : 8 }
        public var bytesPerPixel: Int { channels * bitsPerChannel / 8 }
    }

    public let width: Int
    public let height: Int
    public let pixelFormat: PixelFormat
    public internal(set) var pixels: [UInt8]
    /// What the samples mean when they are not plain sRGB-like BT.709 (set for `HDRPolicy.keep`: the
    /// un-mapped PQ or HLG signal); written to PNGs as a `cICP` chunk.
    public var codePoints: CodingIndependentCodePoints?

    public var bytesPerRow: Int { width * pixelFormat.bytesPerPixel }

    public init(width: Int, height: Int, pixelFormat: PixelFormat, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(pixels.count == width * height * pixelFormat.bytesPerPixel, "pixel buffer size does not match the image")
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.pixels = pixels
    }

    init(width: Int, height: Int, pixelFormat: PixelFormat) {
        self.init(width: width, height: height, pixelFormat: pixelFormat,
                  pixels: [UInt8](repeating: 0, count: width * height * pixelFormat.bytesPerPixel))
    }

    /// Channel `channel` of the pixel at column `x`, row `y`, as a value from 0 to 255 (or 65535 for 16-bit).
    public func sample(x: Int, y: Int, channel: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < pixelFormat.channels)
        let index = (y * width + x) * pixelFormat.channels + channel
        if pixelFormat.bitsPerChannel == 8 { return Int(pixels[index]) }
        return Int(pixels[2 * index]) | Int(pixels[2 * index + 1]) << 8
    }
}

/// Coding-independent code points (ITU-T H.273), as in a PNG `cICP` chunk: colour primaries, transfer
/// characteristics, matrix coefficients (0: RGB) and whether samples use the full range.
public struct CodingIndependentCodePoints: Sendable, Equatable {
    public var colourPrimaries: UInt8
    public var transferCharacteristics: UInt8
    public var matrixCoefficients: UInt8
    public var fullRange: Bool

    public init(colourPrimaries: UInt8, transferCharacteristics: UInt8, matrixCoefficients: UInt8 = 0, fullRange: Bool = true) {
        self.colourPrimaries = colourPrimaries
        self.transferCharacteristics = transferCharacteristics
        self.matrixCoefficients = matrixCoefficients
        self.fullRange = fullRange
    }

    /// The chunk's four bytes.
    public var bytes: [UInt8] { [colourPrimaries, transferCharacteristics, matrixCoefficients, fullRange ? 1 : 0] }
}
