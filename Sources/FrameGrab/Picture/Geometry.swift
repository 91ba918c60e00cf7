/// Which pixels an image shows, as in AVFoundation's aperture modes.
public enum ApertureMode: String, Sendable, CaseIterable {
    /// Square pixels: the stored width is scaled by the sample aspect ratio (as `ffmpeg -vf scale=iw*sar:ih`).
    case productionAperture = "production"
    /// The stored pixels as they are, whatever their shape.
    case encodedPixels = "encoded"
}

/// Sizes of the picture on its way from stored pixels to the image handed out.
enum Geometry {
    /// Shown size: square pixels for the production aperture, then width and height swapped for quarter turns.
    static func displaySize(encoded: PixelSize, sampleAspectRatio sar: (numerator: Int, denominator: Int),
                            aperture: ApertureMode, orientation: Orientation) -> PixelSize {
        var width = encoded.width
        if aperture == .productionAperture, sar.numerator > 0, sar.denominator > 0, sar.numerator != sar.denominator {
            width = max(1, Int((Double(encoded.width) * Double(sar.numerator) / Double(sar.denominator)).rounded()))
        }
        return orientation.swapsDimensions ? PixelSize(width: encoded.height, height: width)
                                           : PixelSize(width: width, height: encoded.height)
    }

    /// Fits `size` inside `maximum` keeping its shape; a zero dimension of `maximum` is unconstrained,
    /// and nothing is ever enlarged.
    static func fit(_ size: PixelSize, inside maximum: PixelSize) -> PixelSize {
        var scale = 1.0
        if maximum.width > 0 { scale = min(scale, Double(maximum.width) / Double(size.width)) }
        if maximum.height > 0 { scale = min(scale, Double(maximum.height) / Double(size.height)) }
        if scale >= 1 { return size }
        return PixelSize(width: max(1, Int((Double(size.width) * scale).rounded())),
                         height: max(1, Int((Double(size.height) * scale).rounded())))
    }
}
