internal import CFFmpeg

/// libavutil's reading of display matrices (`display.h`).
enum DisplayMatrix {
    /// The counter-clockwise rotation in degrees of a 3×3 16.16 display matrix (`av_display_rotation_get`),
    /// NaN when the matrix is degenerate.
    static func counterclockwiseRotation(_ matrix: [Int32]) -> Double {
        matrix.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress) }
    }
}
