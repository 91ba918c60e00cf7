import Foundation

/// JPEG and WebP beside PNG: each call comes in two forms, as `pngData(options:)` does — async (encoding on
/// the process's `WorkPool` while the caller suspends) and blocking (on the calling thread, not callable
/// from async code).
///
/// Lossy output has 8 bits per channel: a 16-bit image is rounded to 8 bits (a sample v becomes
/// round(v × 255 / 65535)). A `quality` outside `ImageFormat.qualityRange` (1–100) is clamped into it.
/// The same pixels and quality always give the same bytes: nothing that varies (no time, no EXIF) is
/// written, and the orientation is already in the pixels. Code points (`codePoints`, set for HDR kept as
/// PQ or HLG) are not written: JPEG and WebP files get the samples without a tag. Failures are
/// `FrameGrabError`s with the code `writeFailed`, whose message names the format (and the file) and says
/// why.
extension FrameImage {
    // MARK: JPEG

    /// The image as a baseline JPEG file's bytes, encoded on the process's `WorkPool` while the caller
    /// suspends.
    ///
    /// The file has a JFIF header and YCbCr samples, chroma halved both ways (4:2:0) below quality 90 and at
    /// full resolution (4:4:4) from 90 up. JPEG has no alpha: an RGBA image's alpha is dropped and its colour
    /// samples are encoded as stored (what PIL's `convert("RGB")` and FFmpeg's default conversion do), not
    /// composited over a background.
    public func jpegData(quality: Int = ImageFormat.defaultQuality) async throws(FrameGrabError) -> [UInt8] {
        try await WorkPool.shared.run(first: true) { () throws(FrameGrabError) in try encodeJPEG(quality: quality) }
    }

    /// The image as a baseline JPEG file's bytes (see the async `jpegData(quality:)`), encoded on the calling
    /// thread, which it blocks meanwhile.
    @available(*, noasync, message: "encodes on the calling thread; use the async jpegData(quality:)")
    public func jpegData(quality: Int = ImageFormat.defaultQuality) throws(FrameGrabError) -> [UInt8] {
        try encodeJPEG(quality: quality)
    }

    // MARK: WebP

    /// The image as a lossy WebP file's bytes, encoded on the process's `WorkPool` while the caller suspends.
    ///
    /// Encoded as libwebp's `WebPEncodeRGB`/`WebPEncodeRGBA` do (default preset, method 4). Alpha is kept
    /// (compressed losslessly); an image whose alpha is opaque everywhere is written without it. Colour
    /// under fully transparent pixels may change, as libwebp allows itself. Width and height are at most
    /// 16383, WebP's limit.
    public func webpData(quality: Int = ImageFormat.defaultQuality) async throws(FrameGrabError) -> [UInt8] {
        try await WorkPool.shared.run(first: true) { () throws(FrameGrabError) in try encodeWebP(quality: quality) }
    }

    /// The image as a lossy WebP file's bytes (see the async `webpData(quality:)`), encoded on the calling
    /// thread, which it blocks meanwhile.
    @available(*, noasync, message: "encodes on the calling thread; use the async webpData(quality:)")
    public func webpData(quality: Int = ImageFormat.defaultQuality) throws(FrameGrabError) -> [UInt8] {
        try encodeWebP(quality: quality)
    }

    // MARK: Any format

    /// The image as a file of `format`, encoded on the process's `WorkPool` while the caller suspends:
    /// `jpegData(quality:)`, `webpData(quality:)`, or `pngData(options:)` with `pngOptions` (PNG keeps
    /// 16 bits and code points). `quality` applies to JPEG and WebP, `pngOptions` to PNG.
    public func encodedData(format: ImageFormat, quality: Int = ImageFormat.defaultQuality,
                            pngOptions: PNGOptions = .default) async throws(FrameGrabError) -> [UInt8] {
        try await WorkPool.shared.run(first: true) { () throws(FrameGrabError) in
            try encode(format: format, quality: quality, pngOptions: pngOptions)
        }
    }

    /// The image as a file of `format` (see the async `encodedData(format:quality:pngOptions:)`), encoded
    /// on the calling thread, which it blocks meanwhile.
    @available(*, noasync, message: "encodes on the calling thread; use the async encodedData(format:quality:pngOptions:)")
    public func encodedData(format: ImageFormat, quality: Int = ImageFormat.defaultQuality,
                            pngOptions: PNGOptions = .default) throws(FrameGrabError) -> [UInt8] {
        try encode(format: format, quality: quality, pngOptions: pngOptions)
    }

    /// Writes the image as a file of `format`, atomically (see the blocking
    /// `write(to:format:quality:pngOptions:)`), encoding and writing on the process's `WorkPool` while the
    /// caller suspends. The file's name is used as given: its extension is not checked against `format`.
    public func write(to url: URL, format: ImageFormat, quality: Int = ImageFormat.defaultQuality,
                      pngOptions: PNGOptions = .default) async throws(FrameGrabError) {
        try await WorkPool.shared.run(first: true) { () throws(FrameGrabError) in
            try writeEncoded(to: url, format: format, quality: quality, pngOptions: pngOptions)
        }
    }

    /// Writes the image as a file of `format`, atomically: the bytes go to a temporary file in the same
    /// folder, which is then renamed into place (`AtomicFile`), so the final name never holds a partial file.
    /// Blocks the calling thread while it encodes and writes. A failure is a `writeFailed` error whose `path`
    /// is the file and whose message says which step failed and why (for example
    /// `out/a.jpg: writing failed: No space left on device`).
    @available(*, noasync, message: "encodes and writes on the calling thread; use the async write(to:format:quality:pngOptions:)")
    public func write(to url: URL, format: ImageFormat, quality: Int = ImageFormat.defaultQuality,
                      pngOptions: PNGOptions = .default) throws(FrameGrabError) {
        try writeEncoded(to: url, format: format, quality: quality, pngOptions: pngOptions)
    }

    func encode(format: ImageFormat, quality: Int, pngOptions: PNGOptions) throws(FrameGrabError) -> [UInt8] {
        switch format {
        case .jpeg: return try encodeJPEG(quality: quality)
        case .webp: return try encodeWebP(quality: quality)
        case .png:
            do throws(PNGError) {
                return try encodePNG(options: pngOptions)
            } catch {
                throw FrameGrabError(.writeFailed, "PNG encoding failed: \(error.message)")
            }
        }
    }

    func writeEncoded(to url: URL, format: ImageFormat, quality: Int, pngOptions: PNGOptions) throws(FrameGrabError) {
        let path = url.path
        let bytes: [UInt8]
        do throws(FrameGrabError) {
            bytes = try encode(format: format, quality: quality, pngOptions: pngOptions)
        } catch {
            throw FrameGrabError(.writeFailed, "\(path): \(error.message)", path: path)
        }
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw FrameGrabError(.writeFailed, error.description, path: path)
        }
    }
}
