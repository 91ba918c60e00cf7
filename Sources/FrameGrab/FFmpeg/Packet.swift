internal import CFFmpeg

/// Owns one `AVPacket`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    var streamIndex: Int32 { pointer.pointee.stream_index }
    var pts: Int64? { pointer.pointee.pts == fg_nopts_value() ? nil : pointer.pointee.pts }
    var dts: Int64? { pointer.pointee.dts == fg_nopts_value() ? nil : pointer.pointee.dts }
    /// The packet's duration in stream ticks; 0 when unknown.
    var duration: Int64 { pointer.pointee.duration }
    /// Byte position in the file, when the demuxer knows it.
    var position: Int64? { pointer.pointee.pos >= 0 ? pointer.pointee.pos : nil }
    /// Whether the demuxer marks the packet as decoded but not shown (cut off by an edit list).
    var isDiscarded: Bool { pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 }
    var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    func unref() { av_packet_unref(pointer) }
}
