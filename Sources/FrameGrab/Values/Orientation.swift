/// How stored pixels are turned to be shown upright: an optional horizontal mirror of the stored
/// picture, then a clockwise rotation by a multiple of 90°. Read from the stream's display matrix.
public struct Orientation: Sendable, Equatable {
    /// Clockwise rotation in degrees: 0, 90, 180 or 270.
    public let rotation: Int
    /// Whether the stored picture is mirrored left-to-right before the rotation.
    public let mirrored: Bool

    /// No mirror and no rotation: the stored picture is shown as it is.
    public static let identity = Orientation(rotation: 0, mirrored: false)

    /// A mirror (when `mirrored`) followed by a clockwise rotation of `rotation` degrees, taken modulo
    /// 360 (−90 becomes 270). The rotation is meant to be a multiple of 90.
    public init(rotation: Int, mirrored: Bool = false) {
        self.rotation = ((rotation % 360) + 360) % 360
        self.mirrored = mirrored
    }

    /// Whether width and height trade places.
    public var swapsDimensions: Bool { rotation == 90 || rotation == 270 }

    /// From a display matrix (the 3×3 16.16 fixed-point matrix of ISO/IEC 14496-12), read as
    /// `libavutil/display.h` defines it: the stored pixel (x, y), y pointing down, is shown at
    /// (a·x + c·y + tx, b·x + d·y + ty), with a, b, c, d the matrix's elements 0, 1, 3 and 4. A quarter-turn
    /// matrix is one of eight: four rotations, each with or without a mirror (a negative determinant);
    /// this finds the one whose pixel mapping (`apply(to:)`) it is. Other angles are rounded to the nearest
    /// quarter turn.
    init(displayMatrix matrix: [Int32]) {
        let (a, b, c, d) = (Int64(matrix[0]), Int64(matrix[1]), Int64(matrix[3]), Int64(matrix[4]))
        let scale = max(abs(a), abs(b), abs(c), abs(d))
        func sign(_ value: Int64) -> Int { value * 2 > scale ? 1 : value * 2 < -scale ? -1 : 0 }
        let wanted = [sign(a), sign(b), sign(c), sign(d)]
        for rotation in [0, 90, 180, 270] {
            for mirrored in [false, true] {
                let candidate = Orientation(rotation: rotation, mirrored: mirrored)
                if scale > 0, candidate.linearMap == wanted {
                    self = candidate
                    return
                }
            }
        }
        let mirrored = a * d - b * c < 0
        var unflipped = matrix
        if mirrored {
            unflipped[0] = -matrix[0]
            unflipped[3] = -matrix[3]
        }
        let angle = DisplayMatrix.counterclockwiseRotation(unflipped)
        let quarterTurns = angle.isNaN ? 0 : Int((-angle / 90).rounded())
        self.init(rotation: quarterTurns * 90, mirrored: mirrored)
    }

    /// Where `apply(to:)` sends the unit steps right and down of the stored picture, as display-matrix
    /// elements [a, b, c, d]: right (1, 0) goes to (a, b), down (0, 1) to (c, d).
    var linearMap: [Int] {
        func map(_ x: Int, _ y: Int) -> (Int, Int) {
            let sx = mirrored ? -x : x
            switch rotation {
            case 90: return (-y, sx)
            case 180: return (-sx, -y)
            case 270: return (y, -sx)
            default: return (sx, y)
            }
        }
        let (right, down) = (map(1, 0), map(0, 1))
        return [right.0, right.1, down.0, down.1]
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
