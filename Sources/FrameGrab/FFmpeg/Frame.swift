internal import CFFmpeg

/// Owns one `AVFrame`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    var width: Int32 { pointer.pointee.width }
    var height: Int32 { pointer.pointee.height }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }
    /// The presentation timestamp FFmpeg trusts most (`best_effort_timestamp`), in the stream's time base.
    var bestEffortTimestamp: Int64? {
        let ts = pointer.pointee.best_effort_timestamp
        return ts == fg_nopts_value() ? nil : ts
    }
    /// Duration in the stream's time base, if the container or codec says.
    var duration: Int64? { pointer.pointee.pkt_duration > 0 ? pointer.pointee.pkt_duration : nil }
    var isKeyframe: Bool { pointer.pointee.key_frame != 0 }
    /// How many half frame periods the frame is shown beyond one period (`repeat_pict`: soft telecine's
    /// repeated fields, MPEG-2's frame doubling and tripling).
    var repeatedHalfPeriods: Int64 { Int64(max(0, pointer.pointee.repeat_pict)) }
    /// Whether the decoder says the picture is not what the encoder made: flagged corrupt (decoded from
    /// missing references) or decoded with errors concealed.
    var isDamaged: Bool { pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 || pointer.pointee.decode_error_flags != 0 }
    /// Which field of an interlaced frame is shown first: 0 (the top one) or 1.
    var firstField: Int { pointer.pointee.top_field_first != 0 ? 0 : 1 }
    /// The frame's colour primaries as an ITU-T H.273 code point.
    var colourPrimariesCode: UInt8 { UInt8(clamping: pointer.pointee.color_primaries.rawValue) }
    /// The brightest light the frame says it holds, in cd/m² (content light level, else mastering display);
    /// 0 when it carries neither.
    var peakLuminance: Double { fg_frame_peak_luminance(pointer) }
    var isInterlaced: Bool { pointer.pointee.interlaced_frame != 0 }

    /// Makes this frame a new reference to `other`'s data.
    func reference(_ other: Frame) {
        av_frame_unref(pointer)
        _ = av_frame_ref(pointer, other.pointer)
    }

    /// Moves `other`'s data into this frame, leaving `other` empty.
    func take(_ other: Frame) {
        av_frame_unref(pointer)
        av_frame_move_ref(pointer, other.pointer)
    }

    func unref() { av_frame_unref(pointer) }
}
