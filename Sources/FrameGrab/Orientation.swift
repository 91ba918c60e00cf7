import CFFmpeg

/// How stored pixels are turned to be shown upright: an optional horizontal mirror of the stored
/// picture, then a clockwise rotation by a multiple of 90°. Read from the stream's display matrix.
public struct Orientation: Sendable, Equatable {
    /// Clockwise rotation in degrees: 0, 90, 180 or 270.
    public let rotation: Int
    /// Whether the stored picture is mirrored left-to-right before the rotation.
    public let mirrored: Bool

    public static let identity = Orientation(rotation: 0, mirrored: false)

    public init(rotation: Int, mirrored: Bool = false) {
        self.rotation = ((rotation % 360) + 360) % 360
        self.mirrored = mirrored
    }

    /// Whether width and height trade places.
    public var swapsDimensions: Bool { rotation == 90 || rotation == 270 }

    /// From a display matrix (the 3×3 16.16 fixed-point matrix of ISO/IEC 14496-12).
    /// `av_display_rotation_get` gives the counter-clockwise angle of the matrix; the picture must be
    /// turned clockwise by that much to be shown. A negative determinant means a mirror image.
    init(displayMatrix matrix: [Int32]) {
        let mirrored = Int64(matrix[0]) * Int64(matrix[4]) - Int64(matrix[1]) * Int64(matrix[3]) < 0
        var unflipped = matrix
        if mirrored {
            // Undo the horizontal mirror so that the remaining matrix is a pure rotation.
            unflipped[0] = -matrix[0]
            unflipped[3] = -matrix[3]
        }
        let angle = unflipped.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress) }
        let quarterTurns = angle.isNaN ? 0 : Int((-angle / 90).rounded())
        self.init(rotation: quarterTurns * 90, mirrored: mirrored)
    }

    /// Applies this orientation to an image.
    func apply(to image: FrameImage) -> FrameImage {
        if self == .identity { return image }
        let w = image.width, h = image.height, channels = image.pixelFormat.bytesPerPixel
        let outWidth = swapsDimensions ? h : w
        let outHeight = swapsDimensions ? w : h
        var result = FrameImage(width: outWidth, height: outHeight, pixelFormat: image.pixelFormat)
        result.codePoints = image.codePoints
        let rotation = self.rotation, mirrored = self.mirrored
        image.pixels.withUnsafeBufferPointer { source in
            result.pixels.withUnsafeMutableBufferPointer { destination in
                for y in 0..<h {
                    for x in 0..<w {
                        let sx = mirrored ? w - 1 - x : x
                        let (dx, dy): (Int, Int)
                        switch rotation {
                        case 90: (dx, dy) = (h - 1 - y, sx)
                        case 180: (dx, dy) = (w - 1 - sx, h - 1 - y)
                        case 270: (dx, dy) = (y, w - 1 - sx)
                        default: (dx, dy) = (sx, y)
                        }
                        let from = (y * w + x) * channels
                        let to = (dy * outWidth + dx) * channels
                        for c in 0..<channels { destination[to + c] = source[from + c] }
                    }
                }
            }
        }
        return result
    }
}
