internal import CFFmpeg

/// Owns the two swscale contexts that make a frame's `FrameSignature`: the picture averaged down to a
/// small fixed grid (area averaging), 8-bit Y, Cb and Cr, and the same grid sampled at its points (one
/// pixel each, which keeps the fine texture that averaging flattens), whatever the frame's format, size or
/// depth. Nothing is converted to RGB; at 64×36 the cost is a small fraction of decoding the frame.
final class SignatureScaler {
    private var averaging: OpaquePointer?
    private var sampling: OpaquePointer?
    private var averaged = [UInt8](repeating: 0, count: 3 * FrameSignature.sampleCount)
    private var sampled = [UInt8](repeating: 0, count: 3 * FrameSignature.sampleCount)

    deinit {
        sws_freeContext(averaging)
        sws_freeContext(sampling)
    }

    func signature(of frame: Frame) throws(FFmpegError) -> FrameSignature {
        let (format, fullRangeFromFormat) = Scaler.normalize(frame.pixelFormat)
        // Limited-range YUV stays limited (its samples are normalised in FrameSignature); anything else
        // (RGB, full-range YUV) is written in full range.
        let colour = ColourProperties(frame: frame)
        let fullRange = fullRangeFromFormat || colour.fullRange || !Scaler.isYUV(format)
        averaging = try Self.scale(frame, format: format, colour: colour, fullRange: fullRange, with: averaging,
                                   flags: SWS_AREA | SWS_ACCURATE_RND | SWS_BITEXACT, into: &averaged)
        sampling = try Self.scale(frame, format: format, colour: colour, fullRange: fullRange, with: sampling,
                                  flags: SWS_POINT | SWS_BITEXACT, into: &sampled)
        return FrameSignature(planes: averaged, pointLuma: Array(sampled[0..<FrameSignature.sampleCount]), limitedRange: !fullRange)
    }

    /// Scales `frame` to the grid as YUV 4:4:4 in its own range with `context` (made or kept); returns it.
    private static func scale(_ frame: Frame, format: AVPixelFormat, colour: ColourProperties, fullRange: Bool,
                              with context: OpaquePointer?, flags: Int32, into planes: inout [UInt8]) throws(FFmpegError) -> OpaquePointer {
        let (width, height) = (Int32(FrameSignature.width), Int32(FrameSignature.height))
        let context = sws_getCachedContext(context, frame.width, frame.height, format, width, height, AV_PIX_FMT_YUV444P,
                                           flags, nil, nil, nil)
        guard let context else { throw FFmpegError(call: "sws_getCachedContext", code: fg_averror(EINVAL)) }
        let coefficients = sws_getCoefficients(colour.swsColorspace)
        _ = sws_setColorspaceDetails(context, coefficients, fullRange ? 1 : 0, coefficients, fullRange ? 1 : 0, 0, 1 << 16, 1 << 16)
        let count = FrameSignature.sampleCount
        let result = planes.withUnsafeMutableBufferPointer { buffer in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, buffer.baseAddress! + count,
                                                                buffer.baseAddress! + 2 * count, nil]
            var strides: [Int32] = [width, width, width, 0]
            return withUnsafePointer(to: &frame.pointer.pointee.data) { dataTuple in
                withUnsafePointer(to: &frame.pointer.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { linesize in
                            sws_scale(context, data, linesize, 0, frame.height, &destination, &strides)
                        }
                    }
                }
            }
        }
        guard try check(result, "sws_scale") == height else { throw FFmpegError(call: "sws_scale", code: fg_averror(EINVAL)) }
        return context
    }
}
