internal import CFFmpeg
internal import YUVConversion

/// Owns one YUVConversion plan: swscale's conversion of 8-bit planar YUV to RGB(A) at the same size,
/// computed to the same bytes by vectorised loops (see YUVConversion.h). `Scaler` uses it when it applies
/// and swscale for everything else (scaling, fields, deeper samples, alpha, other layouts).
final class ExactYUVConversion {
    /// What the plan was made for: a frame with other values needs another plan.
    struct Key: Equatable {
        let width: Int32, height: Int32
        let chromaShiftW: Int32, chromaShiftH: Int32
        let colorspace: Int32
        let fullRange: Bool
    }

    let key: Key
    private let plan: OpaquePointer

    deinit { fgyuv_plan_free(plan) }

    /// Nil when the conversion does not reproduce swscale for this geometry (see `fgyuv_plan_create`).
    init?(key: Key) {
        guard let plan = fgyuv_plan_create(key.width, key.height, key.chromaShiftW, key.chromaShiftH,
                                           sws_getCoefficients(key.colorspace), key.fullRange ? 1 : 0)
        else { return nil }
        self.key = key
        self.plan = plan
    }

    /// The key for converting `frame` (in `sourceFormat`, its `yuvj` name already normalised) to `format`
    /// at `width`×`height`, or nil when this conversion does not apply.
    static func key(for frame: Frame, sourceFormat: AVPixelFormat, width: Int, height: Int,
                    format: FrameImage.PixelFormat, colorspace: Int32, fullRange: Bool) -> Key? {
        guard format == .rgb8 || format == .rgba8,
              Int(frame.width) == width, Int(frame.height) == height else { return nil }
        let shifts: (Int32, Int32)
        switch sourceFormat {
        case AV_PIX_FMT_YUV420P: shifts = (1, 1)
        case AV_PIX_FMT_YUV422P: shifts = (1, 0)
        case AV_PIX_FMT_YUV444P: shifts = (0, 0)
        case AV_PIX_FMT_YUV440P: shifts = (0, 1)
        default: return nil
        }
        return Key(width: frame.width, height: frame.height, chromaShiftW: shifts.0, chromaShiftH: shifts.1,
                   colorspace: colorspace, fullRange: fullRange)
    }

    /// Writes the frame into `buffer` (`bytesPerRow` per row, every byte of it).
    func convert(_ frame: Frame, into buffer: UnsafeMutableBufferPointer<UInt8>, bytesPerRow: Int,
                 bytesPerPixel: Int) throws(FFmpegError) {
        let result = withUnsafePointer(to: &frame.pointer.pointee.data) { dataTuple in
            withUnsafePointer(to: &frame.pointer.pointee.linesize) { linesizeTuple in
                dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 3) { planes in
                    linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 3) { strides in
                        fgyuv_convert(plan, planes, strides, buffer.baseAddress, bytesPerRow, Int32(bytesPerPixel))
                    }
                }
            }
        }
        guard result == 0 else { throw FFmpegError(call: "fgyuv_convert", code: fg_averror(ENOMEM)) }
    }
}
