internal import CFFmpeg

extension FormatContext {
    /// The video stream FFmpeg itself picks, `av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0)`,
    /// with only `candidates` in the running: the file's other video streams are hidden from it for the call
    /// (their media type reads as unknown, and is put back before returning). FFmpeg prefers a stream flagged
    /// default, then one whose probing saw several frames, then the highest bit rate, then the first.
    /// Nil when it finds none.
    func bestVideoStream(among candidates: Set<Int>) -> Int? {
        var hidden: [UnsafeMutablePointer<AVCodecParameters>] = []
        for index in 0..<streamCount where !candidates.contains(index) {
            let parameters = stream(index).pointee.codecpar!
            guard parameters.pointee.codec_type == AVMEDIA_TYPE_VIDEO else { continue }
            parameters.pointee.codec_type = AVMEDIA_TYPE_UNKNOWN
            hidden.append(parameters)
        }
        defer { for parameters in hidden { parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO } }
        let found = av_find_best_stream(pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        return found >= 0 ? Int(found) : nil
    }
}

extension AVStream {
    /// Whether the container says the stream holds one picture: it counts one frame (`nb_frames`), or, when
    /// it does not count them, the stream lasts at most one frame at its own frame rate. A stream that states
    /// neither its frame count nor its duration and rate is taken to move.
    var isOneFrameStill: Bool {
        if nb_frames > 0 { return nb_frames == 1 }
        guard duration != fg_nopts_value(), duration > 0, time_base.num > 0, time_base.den > 0 else { return false }
        let rate = avg_frame_rate.num > 0 && avg_frame_rate.den > 0 ? avg_frame_rate : r_frame_rate
        guard rate.num > 0, rate.den > 0 else { return false }
        // duration × time_base ≤ 1 / rate, in integers.
        return Int128(duration) * Int128(time_base.num) * Int128(rate.num) <= Int128(time_base.den) * Int128(rate.den)
    }

    /// Whether this FFmpeg has a decoder for the stream's codec.
    var hasDecoder: Bool { avcodec_find_decoder(codecpar.pointee.codec_id) != nil }
}
