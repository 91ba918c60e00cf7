internal import ImageCodecs

/// The only Swift that calls the ImageCodecs C target (libjpeg-turbo and libwebp).
extension FrameImage {
    /// The image as JPEG bytes, on the calling thread.
    func encodeJPEG(quality: Int) throws(FrameGrabError) -> [UInt8] {
        try encode(named: "JPEG", quality: quality, with: fgjpeg_encode, free: fgjpeg_free)
    }

    /// The image as lossy WebP bytes, on the calling thread.
    func encodeWebP(quality: Int) throws(FrameGrabError) -> [UInt8] {
        try encode(named: "WebP", quality: quality, with: fgwebp_encode, free: fgwebp_free)
    }

    private typealias Encoder = (UnsafePointer<UInt8>?, UInt32, UInt32, Int, Int32, Int32, Int32,
                                 UnsafeMutablePointer<fgimg_buffer>?, UnsafeMutablePointer<CChar>?, Int) -> Int32

    private func encode(named name: String, quality: Int, with encoder: Encoder,
                        free release: (UnsafeMutableRawPointer?) -> Void) throws(FrameGrabError) -> [UInt8] {
        guard width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FrameGrabError(.writeFailed, "\(name) encoding failed: the image is too large (\(width)×\(height))")
        }
        var buffer = fgimg_buffer(data: nil, size: 0)
        var error = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { pixelBuffer in
            encoder(pixelBuffer.baseAddress, UInt32(width), UInt32(height), bytesPerRow,
                    Int32(pixelFormat.channels), Int32(pixelFormat.bitsPerChannel), Int32(ImageFormat.clamped(quality)),
                    &buffer, &error, error.count)
        }
        guard status == 0, let data = buffer.data else {
            throw FrameGrabError(.writeFailed, "\(name) encoding failed: \(String(cBuffer: error))")
        }
        defer { release(data) }
        return Array(UnsafeBufferPointer(start: data, count: buffer.size))
    }
}
