internal import CFFmpeg

/// Owns one decoder (`AVCodecContext`) set up for a stream.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    /// Thrown when FFmpeg has no decoder for the stream's codec.
    struct DecoderNotFound: Error { let codecName: String }

    /// `frameThreads`: decode several frames at once (more throughput, but a few frames of latency after
    /// every seek); otherwise only slices of one frame are decoded in parallel.
    /// Pictures of more than `maximumPixels` pixels are refused before FFmpeg allocates them.
    /// `pixels` false: the pictures are not wanted, only the frames' order, times and flags (the inverse
    /// transform and the loop filter are skipped, as when FFmpeg probes a stream).
    init(format: FormatContext, stream streamIndex: Int, threads: Int, frameThreads: Bool, maximumPixels: Int, pixels: Bool = true) throws {
        let stream = format.stream(streamIndex)
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw DecoderNotFound(codecName: String(cString: avcodec_get_name(parameters.pointee.codec_id)))
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw FFmpegError(call: "avcodec_alloc_context3", code: fg_averror(ENOMEM))
        }
        pointer = context
        try check(avcodec_parameters_to_context(context, parameters), "avcodec_parameters_to_context")
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(threads)
        context.pointee.max_pixels = Int64(maximumPixels)
        let framesInParallel = frameThreads && Self.frameThreadsAreDeterministic(parameters.pointee.codec_id)
        context.pointee.thread_type = framesInParallel ? FF_THREAD_FRAME | FF_THREAD_SLICE : FF_THREAD_SLICE
        if !pixels {
            context.pointee.skip_idct = AVDISCARD_ALL
            context.pointee.skip_loop_filter = AVDISCARD_ALL
        }
        try check(avcodec_open2(context, codec, nil), "avcodec_open2")
    }

    /// Whether FFmpeg 5.1's decoder for `codec` gives the same pictures with frame threads as with one
    /// thread. Its VP3 family (Theora, VP3, VP4) does not: with frame threads, the same packets decode to
    /// different pictures from run to run (as `ffmpeg -threads 4 -thread_type frame` shows on a Theora
    /// screencast), so those decode on one thread (they have no slice threads either). The determinism
    /// check of `scripts/real-media-check` runs every other decoder with one and with several threads.
    static func frameThreadsAreDeterministic(_ codec: AVCodecID) -> Bool {
        ![AV_CODEC_ID_THEORA, AV_CODEC_ID_VP3, AV_CODEC_ID_VP4].contains(codec)
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// Whether the decoder skips frames no other frame refers to (`AVDISCARD_NONREF`) instead of decoding
    /// everything.
    var skipsUnreferencedFrames: Bool {
        get { pointer.pointee.skip_frame == AVDISCARD_NONREF }
        set { pointer.pointee.skip_frame = newValue ? AVDISCARD_NONREF : AVDISCARD_DEFAULT }
    }

    /// Sends a packet (or, with nil, the end of the stream). Returns false when the decoder must
    /// give out frames before it accepts more input.
    func send(_ packet: Packet?) throws(FFmpegError) -> Bool {
        let result = avcodec_send_packet(pointer, packet?.pointer)
        if result == fg_averror_eagain() { return false }
        if result == fg_averror_eof() { return true }
        try check(result, "avcodec_send_packet")
        return true
    }

    enum Output { case frame, needsInput, endOfStream }

    /// Takes the next decoded frame, if one is ready.
    func receive(into frame: Frame) throws(FFmpegError) -> Output {
        let result = avcodec_receive_frame(pointer, frame.pointer)
        if result == fg_averror_eagain() { return .needsInput }
        if result == fg_averror_eof() { return .endOfStream }
        try check(result, "avcodec_receive_frame")
        return .frame
    }

    /// Forgets everything buffered, as after a seek.
    func flush() { avcodec_flush_buffers(pointer) }
}
