import Foundation

/// How far an image is from its golden reference.
///
/// Both images are compared at a common depth: 8 bits when both are 8-bit, otherwise 16 bits (8-bit samples
/// are widened as `v * 257`, so 255 becomes 65535). An image without alpha counts as fully opaque.
public struct ImageMetrics: Sendable, Equatable {
    /// The largest absolute difference of any channel (alpha included) of any pixel, at `peak`'s scale.
    public let maxDifference: Int
    /// Pixels where at least one channel (alpha included) differs.
    public let differingPixels: Int
    /// Pixels compared (width × height).
    public let pixelCount: Int
    /// Peak-signal-to-noise ratio in decibels over the R, G and B channels: `10·log10(peak² / MSE)`, the mean
    /// squared error taken over every pixel and the three colour channels. `+infinity` for identical colours.
    public let psnr: Double
    /// Structural similarity over the R, G and B channels (see `ImageComparison.ssim`), 1 for identical colours.
    public let ssim: Double
    /// 255 or 65535: the scale of `maxDifference` and the peak of `psnr`.
    public let peak: Int

    /// Metrics as given; `ImageComparison.metrics(actual:golden:)` computes them from two images.
    public init(maxDifference: Int, differingPixels: Int, pixelCount: Int, psnr: Double, ssim: Double, peak: Int) {
        self.maxDifference = maxDifference
        self.differingPixels = differingPixels
        self.pixelCount = pixelCount
        self.psnr = psnr
        self.ssim = ssim
        self.peak = peak
    }

    /// Whether the decoded pixels are exactly equal.
    public var isIdentical: Bool { differingPixels == 0 }
}

/// Pixel comparison of an image with its golden reference: metrics, resizing, and a picture of the differences.
public enum ImageComparison {
    /// Images that cannot be compared pixel by pixel.
    public struct SizeMismatch: Error, Sendable, CustomStringConvertible {
        /// Size of the image compared.
        public let actual: PixelSize
        /// Size of the golden reference.
        public let golden: PixelSize
        /// For example `size 640x360 differs from the golden's 1280x720`.
        public var description: String { "size \(actual) differs from the golden's \(golden)" }
    }

    /// The metrics of `actual` against `golden`, which must have the same size.
    public static func metrics(actual: FrameImage, golden: FrameImage) throws(SizeMismatch) -> ImageMetrics {
        guard actual.width == golden.width, actual.height == golden.height else {
            throw SizeMismatch(actual: PixelSize(width: actual.width, height: actual.height),
                               golden: PixelSize(width: golden.width, height: golden.height))
        }
        let wide = actual.pixelFormat.bitsPerChannel == 16 || golden.pixelFormat.bitsPerChannel == 16
        let peak = wide ? 65535 : 255
        let a = Planes(actual, wide: wide)
        let g = Planes(golden, wide: wide)
        let count = actual.width * actual.height
        var maxDifference = 0
        var differing = 0
        var squared = 0.0
        for index in 0..<count {
            var pixelDiffers = false
            for channel in 0..<4 {
                let d = abs(Int(a.planes[channel][index]) - Int(g.planes[channel][index]))
                if d > 0 { pixelDiffers = true }
                if d > maxDifference { maxDifference = d }
                if channel < 3 { squared += Double(d * d) }
            }
            if pixelDiffers { differing += 1 }
        }
        let mse = squared / Double(3 * count)
        let psnr = mse == 0 ? Double.infinity : 10 * log10(Double(peak * peak) / mse)
        var ssimSum = 0.0
        for channel in 0..<3 {
            ssimSum += ssim(a.planes[channel], g.planes[channel], width: actual.width, height: actual.height, peak: Double(peak))
        }
        return ImageMetrics(maxDifference: maxDifference, differingPixels: differing, pixelCount: count,
                            psnr: psnr, ssim: ssimSum / 3, peak: peak)
    }

    /// The structural similarity of one channel of two images, as in Wang, Bovik, Sheikh and Simoncelli,
    /// "Image quality assessment: from error visibility to structural similarity" (2004), computed the way
    /// FFmpeg's `ssim` filter samples the image:
    ///
    /// - windows of 8×8 pixels with uniform weights, placed every 4 pixels across and down (so
    ///   `(width/4 − 1) × (height/4 − 1)` windows; a channel narrower or shorter than 8 pixels is one window
    ///   covering it all);
    /// - per window, `((2·μa·μb + C1)(2·σab + C2)) / ((μa² + μb² + C1)(σa² + σb² + C2))` with sample
    ///   (n − 1) variances and covariance, `C1 = (0.01·L)²`, `C2 = (0.03·L)²`, `L` the peak (255 or 65535);
    /// - the channel's SSIM is the mean over its windows.
    ///
    /// FFmpeg's `ssim` filter (from x264) uses the same windows and C2 but a C1 64 times smaller, which makes
    /// it much harsher on small changes of flat, dark areas; `constants: .ffmpeg` reproduces its numbers.
    public static func ssim(_ a: [UInt16], _ b: [UInt16], width: Int, height: Int, peak: Double,
                            constants: SSIMConstants = .wangEtAl) -> Double {
        let c1 = (0.01 * peak) * (0.01 * peak) / (constants == .ffmpeg ? 64 : 1)
        let c2 = (0.03 * peak) * (0.03 * peak)
        func window(x0: Int, y0: Int, w: Int, h: Int) -> Double {
            var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
            for y in y0..<(y0 + h) {
                let row = y * width
                for x in x0..<(x0 + w) {
                    let va = Double(a[row + x]), vb = Double(b[row + x])
                    sa += va; sb += vb
                    saa += va * va; sbb += vb * vb; sab += va * vb
                }
            }
            let n = Double(w * h)
            let ma = sa / n, mb = sb / n
            let denominator = max(n - 1, 1)
            let va = (saa - sa * ma) / denominator
            let vb = (sbb - sb * mb) / denominator
            let cov = (sab - sa * mb) / denominator
            return ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
        }
        if width < 8 || height < 8 { return window(x0: 0, y0: 0, w: width, h: height) }
        let across = width / 4 - 1, down = height / 4 - 1
        var sum = 0.0
        for wy in 0..<down {
            for wx in 0..<across {
                sum += window(x0: wx * 4, y0: wy * 4, w: 8, h: 8)
            }
        }
        return sum / Double(across * down)
    }

    /// The stabilising constants of SSIM.
    public enum SSIMConstants: Sendable {
        /// The paper's: `C1 = (0.01·L)²`, `C2 = (0.03·L)²`. framegrab's metric.
        case wangEtAl
        /// FFmpeg's `ssim` filter (from x264): `C1 = (0.01·L)²/64`, `C2 = (0.03·L)²`, to reproduce its numbers.
        case ffmpeg
    }

    /// The SSIM of two images of the same size: the mean over R, G and B of `ssim(_:_:width:height:peak:constants:)`,
    /// at the common depth of `metrics(actual:golden:)`.
    public static func ssim(actual: FrameImage, golden: FrameImage, constants: SSIMConstants = .wangEtAl) throws(SizeMismatch) -> Double {
        guard actual.width == golden.width, actual.height == golden.height else {
            throw SizeMismatch(actual: PixelSize(width: actual.width, height: actual.height),
                               golden: PixelSize(width: golden.width, height: golden.height))
        }
        let wide = actual.pixelFormat.bitsPerChannel == 16 || golden.pixelFormat.bitsPerChannel == 16
        let a = Planes(actual, wide: wide), g = Planes(golden, wide: wide)
        var sum = 0.0
        for channel in 0..<3 {
            sum += ssim(a.planes[channel], g.planes[channel], width: actual.width, height: actual.height,
                        peak: wide ? 65535 : 255, constants: constants)
        }
        return sum / 3
    }

    /// `image` scaled to `size` with bilinear interpolation: each destination pixel centre is mapped to the
    /// source (`(x + 0.5)·sw/dw − 0.5`, clamped to the edges) and the four nearest source pixels are blended,
    /// rounding to the nearest value. The pixel format is kept.
    public static func resized(_ image: FrameImage, to size: PixelSize) -> FrameImage {
        precondition(size.width > 0 && size.height > 0)
        if size.width == image.width && size.height == image.height { return image }
        let channels = image.pixelFormat.channels
        let wide = image.pixelFormat.bitsPerChannel == 16
        var result = FrameImage(width: size.width, height: size.height, pixelFormat: image.pixelFormat)
        func coordinate(_ d: Int, _ source: Int, _ destination: Int) -> (Int, Int, Double) {
            let s = min(max((Double(d) + 0.5) * Double(source) / Double(destination) - 0.5, 0), Double(source - 1))
            let low = Int(s.rounded(.down))
            return (low, min(low + 1, source - 1), s - Double(low))
        }
        let xs = (0..<size.width).map { coordinate($0, image.width, size.width) }
        for y in 0..<size.height {
            let (y0, y1, fy) = coordinate(y, image.height, size.height)
            for x in 0..<size.width {
                let (x0, x1, fx) = xs[x]
                for c in 0..<channels {
                    let top = Double(image.sample(x: x0, y: y0, channel: c)) * (1 - fx) + Double(image.sample(x: x1, y: y0, channel: c)) * fx
                    let bottom = Double(image.sample(x: x0, y: y1, channel: c)) * (1 - fx) + Double(image.sample(x: x1, y: y1, channel: c)) * fx
                    let value = Int((top * (1 - fy) + bottom * fy).rounded())
                    let index = (y * size.width + x) * channels + c
                    if wide {
                        result.pixels[2 * index] = UInt8(value & 0xFF)
                        result.pixels[2 * index + 1] = UInt8(value >> 8)
                    } else {
                        result.pixels[index] = UInt8(value)
                    }
                }
            }
        }
        return result
    }

    /// A picture of where `actual` differs from `golden` (same size), as 8-bit RGB at the golden's size: the
    /// golden in grey at a quarter of its brightness, and every differing pixel in red, from 128 for the
    /// smallest difference to 255 for a difference of 16 or more (at the 8-bit scale) in any channel.
    public static func differenceImage(actual: FrameImage, golden: FrameImage) throws(SizeMismatch) -> FrameImage {
        guard actual.width == golden.width, actual.height == golden.height else {
            throw SizeMismatch(actual: PixelSize(width: actual.width, height: actual.height),
                               golden: PixelSize(width: golden.width, height: golden.height))
        }
        let a = Planes(actual, wide: false)
        let g = Planes(golden, wide: false)
        var pixels = [UInt8](repeating: 0, count: golden.width * golden.height * 3)
        for index in 0..<(golden.width * golden.height) {
            var difference = 0
            for channel in 0..<4 {
                difference = max(difference, abs(Int(a.planes[channel][index]) - Int(g.planes[channel][index])))
            }
            if difference == 0 && Planes.differsAtFullDepth(actual, golden, pixel: index) { difference = 1 }
            if difference > 0 {
                pixels[3 * index] = UInt8(min(255, 128 + difference * 8))
            } else {
                // BT.601 luma of the golden, dimmed to a quarter.
                let luma = (299 * Int(g.planes[0][index]) + 587 * Int(g.planes[1][index]) + 114 * Int(g.planes[2][index])) / 1000
                let dim = UInt8(luma / 4)
                pixels[3 * index] = dim
                pixels[3 * index + 1] = dim
                pixels[3 * index + 2] = dim
            }
        }
        return FrameImage(width: golden.width, height: golden.height, pixelFormat: .rgb8, pixels: pixels)
    }
}

/// An image as four planes (R, G, B, A) of 8- or 16-bit values; a missing alpha is opaque.
private struct Planes {
    var planes: [[UInt16]]

    init(_ image: FrameImage, wide: Bool) {
        let count = image.width * image.height
        let channels = image.pixelFormat.channels
        let source16 = image.pixelFormat.bitsPerChannel == 16
        let opaque: UInt16 = wide ? 65535 : 255
        var planes = [[UInt16]](repeating: [UInt16](repeating: opaque, count: count), count: 4)
        image.pixels.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                for c in 0..<channels {
                    let sample = index * channels + c
                    var value: UInt16
                    if source16 {
                        value = UInt16(bytes[2 * sample]) | UInt16(bytes[2 * sample + 1]) << 8
                        if !wide { value = UInt16((Int(value) * 255 + 32767) / 65535) }
                    } else {
                        value = UInt16(bytes[sample])
                        if wide { value *= 257 }
                    }
                    planes[c][index] = value
                }
            }
        }
        self.planes = planes
    }

    /// Whether a 16-bit difference hides below 8-bit rounding at `pixel`.
    static func differsAtFullDepth(_ a: FrameImage, _ b: FrameImage, pixel: Int) -> Bool {
        guard a.pixelFormat.bitsPerChannel == 16 || b.pixelFormat.bitsPerChannel == 16 else { return false }
        let x = pixel % a.width, y = pixel / a.width
        for c in 0..<4 {
            func value(_ image: FrameImage) -> Int {
                if c >= image.pixelFormat.channels { return 65535 }
                let v = image.sample(x: x, y: y, channel: c)
                return image.pixelFormat.bitsPerChannel == 16 ? v : v * 257
            }
            if value(a) != value(b) { return true }
        }
        return false
    }
}
