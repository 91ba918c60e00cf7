import Foundation
import FrameGrab

/// Sprite sheets as the reference side of storyboard checks sees them: decoded by FFmpeg, cells cut out.
enum SpriteSheets {
    /// A sprite image decoded to 8-bit RGB: PNG by FrameGrab's decoder, anything else (JPEG, WebP) by the
    /// `ffmpeg` command, through a temporary PNG.
    static func decode(_ url: URL) throws -> FrameImage {
        if url.pathExtension.lowercased() == "png" { return try FrameImage(contentsOfPNG: url) }
        let png = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-sprite-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: png) }
        // Full-resolution chroma and accurate rounding: the closest FFmpeg gets to libjpeg's own decoding.
        try FFmpegTool.run(["-loglevel", "error", "-i", url.path, "-frames:v", "1",
                            "-sws_flags", "bicubic+accurate_rnd+full_chroma_int", "-pix_fmt", "rgb24", "-update", "1", png.path],
                           in: url.deletingLastPathComponent())
        return try FrameImage(contentsOfPNG: png)
    }
}

extension FrameImage {
    /// The `width × height` rectangle at (`x`, `y`), which must lie inside the image.
    func cropped(x: Int, y: Int, width: Int, height: Int) -> FrameImage {
        precondition(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= self.width && y + height <= self.height,
                     "crop \(x),\(y),\(width),\(height) outside \(self.width)×\(self.height)")
        let bpp = pixelFormat.bytesPerPixel
        var out: [UInt8] = []
        out.reserveCapacity(width * height * bpp)
        for row in y..<(y + height) {
            let start = (row * self.width + x) * bpp
            out += pixels[start..<(start + width * bpp)]
        }
        return FrameImage(width: width, height: height, pixelFormat: pixelFormat, pixels: out)
    }
}
