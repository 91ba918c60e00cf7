internal import CFFmpeg

/// Packets that decode to no picture on purpose: VP8's and VP9's frames coded with `show_frame` = 0
/// (alternate references, the "alt-ref" frames encoders put a few frames ahead), which the frames after
/// them refer to and FFmpeg never outputs. In WebM such a frame has a packet of its own, one tick before
/// the frame that follows it, or shares a superframe with it.
extension CodecContext {
    /// Whether decoding `packet` shows a picture (true whenever the codec is not VP8 or VP9 or the header
    /// cannot be read: only a frame the bitstream marks hidden is said not to).
    func showsPicture(_ packet: Packet) -> Bool {
        let codec = pointer.pointee.codec_id
        guard codec == AV_CODEC_ID_VP8 || codec == AV_CODEC_ID_VP9,
              let data = packet.pointer.pointee.data, packet.pointer.pointee.size > 0 else { return true }
        let bytes = UnsafeBufferPointer(start: data, count: Int(packet.pointer.pointee.size))
        if codec == AV_CODEC_ID_VP8 {
            return bytes[0] & 0x10 != 0  // the frame tag's show_frame bit (RFC 6386, 9.1)
        }
        return VP9Superframe.frames(in: bytes).contains { VP9Superframe.isShown(bytes[$0.lowerBound]) }
    }
}

/// The frames of a VP9 packet (a superframe holds several, its index at the end) and their headers.
enum VP9Superframe {
    /// The byte ranges of the frames in `packet`: the whole packet unless it ends with a superframe index
    /// (VP9 bitstream specification, Annex B).
    static func frames(in packet: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let whole = [0..<packet.count]
        guard let marker = packet.last, marker & 0xE0 == 0xC0 else { return whole }
        let count = Int(marker & 7) + 1, sizeBytes = Int((marker >> 3) & 3) + 1
        let indexSize = 2 + sizeBytes * count
        guard packet.count >= indexSize, packet[packet.count - indexSize] == marker else { return whole }
        var frames: [Range<Int>] = [], offset = 0, at = packet.count - indexSize + 1
        for _ in 0..<count {
            var size = 0
            for byte in 0..<sizeBytes { size |= Int(packet[at + byte]) << (8 * byte) }
            at += sizeBytes
            guard size > 0, offset + size <= packet.count - indexSize else { return whole }
            frames.append(offset..<(offset + size))
            offset += size
        }
        return frames
    }

    /// Whether a frame whose uncompressed header starts with `first` is shown: `show_existing_frame` or
    /// `show_frame` set (true when the byte does not start a header). The fields all lie in the first byte:
    /// frame_marker (2 bits, 0b10), profile_low_bit, profile_high_bit, a reserved bit in profile 3,
    /// show_existing_frame, frame_type, show_frame.
    static func isShown(_ first: UInt8) -> Bool {
        guard first >> 6 == 0b10 else { return true }
        let profile3 = first & 0x30 == 0x30
        let showExisting = first >> (profile3 ? 2 : 3) & 1 == 1
        let show = first >> (profile3 ? 0 : 1) & 1 == 1
        return showExisting || show
    }
}
