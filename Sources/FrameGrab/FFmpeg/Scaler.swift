internal import CFFmpeg

/// Owns one swscale context, rebuilt when the source or destination geometry changes.
/// Converts a decoded frame straight to packed RGB or RGBA at its final size, with the frame's own
/// colour matrix and range set explicitly (swscale would otherwise assume BT.601 limited range).
/// 8-bit planar YUV kept at its size goes through `ExactYUVConversion`: the same bytes, faster.
final class Scaler {
    private var context: OpaquePointer?
    private var exact: ExactYUVConversion?
    /// Whether `ExactYUVConversion` is used where it applies (the tests compare it with swscale).
    let usesExactYUVConversion: Bool
    /// How many conversions it made.
    private(set) var exactConversions = 0

    init(usesExactYUVConversion: Bool = true) {
        self.usesExactYUVConversion = usesExactYUVConversion
    }

    deinit { sws_freeContext(context) }

    /// Fixed flags so that the same input always gives the same bytes: bicubic, accurate rounding,
    /// full chroma interpolation, and swscale's bit-exact mode (no CPU-dependent shortcuts).
    private static let flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_BITEXACT

    /// Converts `frame` to `format` at `width`×`height`. With `field` (0: the top field, 1: the bottom one)
    /// only that field's lines are read (every other line, as `ffmpeg -vf field`), and swscale's bicubic
    /// filter scales the half-height field back to the full height: a deinterlaced picture ("bob").
    func convert(_ frame: Frame, width: Int, height: Int, format: FrameImage.PixelFormat,
                 field: Int? = nil) throws(FFmpegError) -> FrameImage {
        let (sourceFormat, fullRangeFromFormat) = Scaler.normalize(frame.pixelFormat)
        let colour = ColourProperties(frame: frame)
        let fullRange = fullRangeFromFormat || colour.fullRange
        let field = frame.height >= 2 ? field : nil
        if field == nil, let exact = exactConversion(for: frame, sourceFormat: sourceFormat, width: width, height: height,
                                                     format: format, colour: colour, fullRange: fullRange) {
            exactConversions += 1
            return try FrameImage(width: width, height: height, pixelFormat: format) { (buffer) throws(FFmpegError) in
                try exact.convert(frame, into: buffer, bytesPerRow: width * format.bytesPerPixel, bytesPerPixel: format.bytesPerPixel)
            }
        }
        let destinationFormat = Scaler.swsFormat(format)
        let sourceHeight = field.map { (frame.height - Int32($0) + 1) / 2 } ?? frame.height
        context = sws_getCachedContext(context, frame.width, sourceHeight, sourceFormat,
                                       Int32(width), Int32(height), destinationFormat,
                                       Scaler.flags, nil, nil, nil)
        guard let context else { throw FFmpegError(call: "sws_getCachedContext", code: fg_averror(EINVAL)) }

        // Set on every call: a cached context keeps the details of the previous frame otherwise.
        if Scaler.isYUV(sourceFormat) {
            _ = sws_setColorspaceDetails(context, sws_getCoefficients(colour.swsColorspace), fullRange ? 1 : 0,
                                         sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        }

        let bytesPerRow = width * format.bytesPerPixel
        // sws_scale writes every row of the destination, whole: the buffer is not cleared first.
        return try FrameImage(width: width, height: height, pixelFormat: format) { (buffer) throws(FFmpegError) in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(bytesPerRow), 0, 0, 0]
            let result = withUnsafePointer(to: &frame.pointer.pointee.data) { dataTuple in
                withUnsafePointer(to: &frame.pointer.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { linesize in
                            guard let field else {
                                return sws_scale(context, data, linesize, 0, frame.height, &destination, &strides)
                            }
                            var fieldData = (0..<8).map { plane in data[plane].map { $0 + field * Int(linesize[plane]) } }
                            var fieldLinesize = (0..<8).map { linesize[$0] * 2 }
                            return sws_scale(context, &fieldData, &fieldLinesize, 0, sourceHeight, &destination, &strides)
                        }
                    }
                }
            }
            // Fewer rows than asked would leave memory unwritten: not an image.
            guard try check(result, "sws_scale") == Int32(height) else { throw FFmpegError(call: "sws_scale", code: fg_averror(EINVAL)) }
        }
    }

    /// The exact conversion for this frame and output when it applies: the last frame's, or a new one.
    private func exactConversion(for frame: Frame, sourceFormat: AVPixelFormat, width: Int, height: Int,
                                 format: FrameImage.PixelFormat, colour: ColourProperties,
                                 fullRange: Bool) -> ExactYUVConversion? {
        guard usesExactYUVConversion,
              let key = ExactYUVConversion.key(for: frame, sourceFormat: sourceFormat, width: width, height: height,
                                               format: format, colorspace: colour.swsColorspace, fullRange: fullRange)
        else { return nil }
        if exact?.key != key { exact = ExactYUVConversion(key: key) }
        return exact
    }

    /// swscale's packed RGB formats; 16-bit samples in host byte order, as `FrameImage` keeps them.
    static func swsFormat(_ format: FrameImage.PixelFormat) -> AVPixelFormat {
        #if _endian(little)
        let rgb48 = AV_PIX_FMT_RGB48LE, rgba64 = AV_PIX_FMT_RGBA64LE
        #else
        let rgb48 = AV_PIX_FMT_RGB48BE, rgba64 = AV_PIX_FMT_RGBA64BE
        #endif
        switch format {
        case .rgb8: return AV_PIX_FMT_RGB24
        case .rgba8: return AV_PIX_FMT_RGBA
        case .rgb16: return rgb48
        case .rgba16: return rgba64
        }
    }

    /// The `yuvj*` formats are the plain YUV formats in full range; swscale wants the plain name
    /// and the range said separately.
    static func normalize(_ format: AVPixelFormat) -> (AVPixelFormat, fullRange: Bool) {
        switch format {
        case AV_PIX_FMT_YUVJ420P: return (AV_PIX_FMT_YUV420P, true)
        case AV_PIX_FMT_YUVJ422P: return (AV_PIX_FMT_YUV422P, true)
        case AV_PIX_FMT_YUVJ444P: return (AV_PIX_FMT_YUV444P, true)
        case AV_PIX_FMT_YUVJ440P: return (AV_PIX_FMT_YUV440P, true)
        case AV_PIX_FMT_YUVJ411P: return (AV_PIX_FMT_YUV411P, true)
        default: return (format, false)
        }
    }

    static func isYUV(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        return descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 && descriptor.pointee.nb_components >= 3
    }

    static func hasAlpha(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        return descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0
    }
}

/// The colour matrix and range a frame says it uses, with the usual guesses when it does not say, and
/// its transfer characteristics (which tell HDR signals apart).
struct ColourProperties {
    let swsColorspace: Int32
    let fullRange: Bool
    /// PQ or HLG, or nil for an SDR (or unspecified) transfer.
    let hdrTransfer: HDRTransfer?
    /// Whether the primaries are BT.2020's (HDR signals without primaries are taken to be BT.2020 too).
    let wideGamut: Bool

    init(frame: Frame) {
        let f = frame.pointer.pointee
        switch f.colorspace {
        case AVCOL_SPC_BT709: swsColorspace = SWS_CS_ITU709
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: swsColorspace = SWS_CS_ITU601
        case AVCOL_SPC_SMPTE240M: swsColorspace = SWS_CS_SMPTE240M
        case AVCOL_SPC_FCC: swsColorspace = SWS_CS_FCC
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: swsColorspace = SWS_CS_BT2020
        default:
            // Unspecified: HD and larger pictures are BT.709 by convention, smaller ones BT.601.
            swsColorspace = (f.width >= 1280 || f.height > 576) ? SWS_CS_ITU709 : SWS_CS_ITU601
        }
        fullRange = f.color_range == AVCOL_RANGE_JPEG
        switch f.color_trc {
        case AVCOL_TRC_SMPTE2084: hdrTransfer = .pq
        case AVCOL_TRC_ARIB_STD_B67: hdrTransfer = .hlg
        default: hdrTransfer = nil
        }
        wideGamut = f.color_primaries == AVCOL_PRI_BT2020
            || (hdrTransfer != nil && f.color_primaries == AVCOL_PRI_UNSPECIFIED)
    }
}
