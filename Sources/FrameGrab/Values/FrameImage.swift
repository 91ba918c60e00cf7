/// A still picture taken from a video: packed pixels, top row first, no padding between rows.
public struct FrameImage: Sendable, Equatable {
    /// How a pixel's samples are stored: which channels, in order, and how many bits each takes.
    public enum PixelFormat: Sendable, Equatable {
        /// 8-bit red, green, blue.
        case rgb8
        /// 8-bit red, green, blue, alpha (not premultiplied).
        case rgba8
        /// 16-bit red, green, blue; each sample two bytes in host byte order.
        case rgb16
        /// 16-bit red, green, blue, alpha; each sample two bytes in host byte order.
        case rgba16

        /// Samples per pixel: 3 (RGB) or 4 (RGBA).
        public var channels: Int { hasAlpha ? 4 : 3 }
        /// Whether the pixels have a fourth, alpha, channel.
        public var hasAlpha: Bool { self == .rgba8 || self == .rgba16 }
        /// Bits per sample: 8 or 16.
        public var bitsPerChannel: Int { self == .rgb16 || self == .rgba16 ? 16 : 8 }
        /// Bytes per pixel: 3, 4, 6 or 8.
        public var bytesPerPixel: Int { channels * bitsPerChannel / 8 }
    }

    /// Width in pixels, at least 1.
    public let width: Int
    /// Height in pixels, at least 1.
    public let height: Int
    /// How each pixel's samples are stored in `pixels`.
    public let pixelFormat: PixelFormat
    /// The samples, row after row from the top, `bytesPerRow` bytes per row, channels in RGB(A) order;
    /// a 16-bit sample takes two bytes in host byte order.
    public internal(set) var pixels: [UInt8]
    /// What the samples mean when they are not plain sRGB-like BT.709 (set for `HDRPolicy.keep`: the
    /// un-mapped PQ or HLG signal); written to PNGs as a `cICP` chunk.
    public var codePoints: CodingIndependentCodePoints?

    /// Bytes in one row: `width × pixelFormat.bytesPerPixel`, rows being packed without padding.
    public var bytesPerRow: Int { width * pixelFormat.bytesPerPixel }

    /// An image from packed samples, without code points. `width` and `height` must be positive and
    /// `pixels` must hold exactly `width × height × pixelFormat.bytesPerPixel` bytes; otherwise the
    /// program stops (a precondition fails).
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

    /// An image whose every sample `write` sets (it is given the uninitialized buffer, `bytesPerRow` bytes
    /// per row): no pass over the memory to clear it first. When `write` throws, nothing is made.
    init<E: Error>(width: Int, height: Int, pixelFormat: PixelFormat,
                   writingEverySample write: (UnsafeMutableBufferPointer<UInt8>) throws(E) -> Void) throws(E) {
        let count = width * height * pixelFormat.bytesPerPixel
        var failure: E?
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(E) {
                try write(buffer)
                initialized = count
            } catch {
                // Zeros, so the array is whole; the image is not made.
                buffer.initialize(repeating: 0)
                initialized = count
                failure = error
            }
        }
        if let failure { throw failure }
        self.init(width: width, height: height, pixelFormat: pixelFormat, pixels: pixels)
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
    /// Colour primaries code point (H.273 table 2), for example 1 for BT.709 or 9 for BT.2020.
    public var colourPrimaries: UInt8
    /// Transfer characteristics code point (H.273 table 3), for example 16 for PQ or 18 for HLG.
    public var transferCharacteristics: UInt8
    /// Matrix coefficients code point (H.273 table 4): 0 (RGB, the default) is the only value PNG allows.
    public var matrixCoefficients: UInt8
    /// Whether samples use the full range of values (true, the default) rather than video's narrow range.
    public var fullRange: Bool

    /// Code points as given; the defaults (matrix 0, full range) describe RGB pixels as PNG stores them.
    public init(colourPrimaries: UInt8, transferCharacteristics: UInt8, matrixCoefficients: UInt8 = 0, fullRange: Bool = true) {
        self.colourPrimaries = colourPrimaries
        self.transferCharacteristics = transferCharacteristics
        self.matrixCoefficients = matrixCoefficients
        self.fullRange = fullRange
    }

    /// The chunk's four bytes.
    public var bytes: [UInt8] { [colourPrimaries, transferCharacteristics, matrixCoefficients, fullRange ? 1 : 0] }
}
