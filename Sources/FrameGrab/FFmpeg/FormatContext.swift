internal import CFFmpeg
import Glibc

/// Owns one demuxer (`AVFormatContext`) opened on a file.
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>

    /// What FFmpeg's blocking calls on this context check: kept alive as long as the context.
    private let interrupt: InterruptState

    /// Opens `path` and reads enough of it to know its streams. Blocking I/O stops with `AVERROR_EXIT`
    /// once `deadline` passes or `cancellation` is set; the decoders that probe the streams refuse pictures
    /// of more than `maximumPixels` pixels before allocating them.
    ///
    /// `network`: `path` is an `http(s)` URL; FFmpeg may then open only HTTP, HTTPS and what they stand
    /// on (a playlist or a redirect cannot reach local files), and follows redirects as its `http` does.
    /// A `path` of `-` is standard input (FFmpeg's `pipe:0`, and nothing else may be opened): an MP4 whose
    /// header comes after the frames it indexes throws `ESPIPE` (those bytes went by before it was read).
    init(path: String, network: Bool = false, deadline: Deadline, cancellation: CancellationFlag? = nil, maximumPixels: Int) throws(FFmpegError) {
        guard var context = avformat_alloc_context() else { throw FFmpegError(call: "avformat_alloc_context", code: fg_averror(ENOMEM)) }
        let interrupt = InterruptState(deadline: deadline)
        if let cancellation { interrupt.install(cancellation) }
        fg_set_interrupt(context, interrupt.pointer)
        self.interrupt = interrupt
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let standardInput = MediaLocation.isStandardInput(path)
        readsOnce = standardInput
        do throws(FFmpegError) {
            pipe = standardInput ? try WatchedPipe(interrupt: &context.pointee.interrupt_callback) : nil
        } catch {
            avformat_free_context(context)
            throw error
        }
        context.pointee.pb = pipe?.context
        // FFmpeg checks the deadline and cancellation between reads; a read that blocks on a pipe whose writer
        // stalls would never get there. Without blocking, FFmpeg waits a millisecond per empty read, checking.
        standardInputFlags = standardInput ? fcntl(STDIN_FILENO, F_GETFL) : nil
        if let flags = standardInputFlags, flags >= 0 { _ = fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) }
        var openOptions: OpaquePointer?
        if network { av_dict_set(&openOptions, "protocol_whitelist", "http,https,tcp,tls,crypto", 0) }
        if standardInput { av_dict_set(&openOptions, "protocol_whitelist", "pipe", 0) }
        defer { av_dict_free(&openOptions) }
        // On failure avformat_open_input frees the context itself (not the pipe: it is ours).
        let status = avformat_open_input(&opened, standardInput ? "pipe:0" : path, nil, &openOptions)
        if status < 0, let flags = standardInputFlags, flags >= 0 { _ = fcntl(STDIN_FILENO, F_SETFL, flags) }  // (no deinit then)
        try check(status, "avformat_open_input")
        guard let opened else { throw FFmpegError(call: "avformat_open_input", code: fg_averror(ENOMEM)) }
        context = opened
        pointer = context
        if standardInput, headerPointsBehind { throw FFmpegError(call: "avformat_open_input", code: fg_averror(ESPIPE)) }
        let count = Int(context.pointee.nb_streams)
        var options = [OpaquePointer?](repeating: nil, count: max(count, 1))
        let limit = String(min(max(maximumPixels, 1), Int(Int64.max)))
        for index in 0..<count {
            av_dict_set(&options[index], "max_pixels", limit, 0)
            // Probing decodes a frame or two for their parameters and throws the pixels away.
            av_dict_set(&options[index], "skip_loop_filter", "all", 0)
            av_dict_set(&options[index], "skip_idct", "all", 0)
        }
        defer { for index in 0..<count { av_dict_free(&options[index]) } }
        try check(avformat_find_stream_info(context, &options), "avformat_find_stream_info")
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
        if let flags = standardInputFlags, flags >= 0 { _ = fcntl(STDIN_FILENO, F_SETFL, flags) }
    }

    /// Standard input's file status flags before it was made non-blocking, put back when done.
    private let standardInputFlags: Int32?
    /// Standard input, as the demuxer reads it (released after the demuxer is closed, in `deinit`).
    private let pipe: WatchedPipe?

    /// The input is standard input: read once, forward; no seek can be made.
    let readsOnce: Bool
    /// Packets read by `timestampsAreDecodeTimes` from an input that reads once: `read(into:)` hands them
    /// out first.
    private var pushedBack: [Packet] = []

    /// A pipe cannot seek (FFmpeg would move only within what it has buffered): every seek fails at once.
    private func refuseSeekingOnce() throws(FFmpegError) {
        if readsOnce { throw FFmpegError(call: "av_seek_frame", code: fg_averror(ESPIPE)) }
    }

    /// Whether the frames a header indexes start before where reading has got to: true for an MP4 read
    /// from a pipe whose `moov` follows its `mdat` (FFmpeg read through the frames to find the header).
    private var headerPointsBehind: Bool {
        guard let io = pointer.pointee.pb else { return false }
        let here = avio_tell(io)
        return (0..<streamCount).contains { index in
            guard avformat_index_get_entries_count(stream(index)) > 0, let first = avformat_index_get_entry(stream(index), 0) else { return false }
            return first.pointee.pos >= 0 && first.pointee.pos < here
        }
    }

    /// Whether the container's duration was read from the file's header rather than guessed from what was
    /// read: false where FFmpeg estimated it from the bit rate, or for an MP4 read once that is fragmented
    /// (`mvex`; an MP4 written to a pipe is): its header counts no frame (an empty `moov`: the "duration" is
    /// that of the fragments read while probing) or only those before its first fragment (`ffmpeg -movflags
    /// frag_keyframe`), and the fragments' own boxes come as they are read.
    var durationIsStated: Bool {
        if pointer.pointee.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE { return false }
        guard readsOnce && formatName.hasPrefix("mov,") else { return true }
        return pipe?.header.isFragmented == false && (0..<streamCount).contains { stream($0).pointee.nb_frames > 0 }
    }

    /// Makes blocking calls on this context stop as soon as `flag` is set (the cancellation of the run now
    /// using it), as well as at the deadline.
    func stop(when flag: CancellationFlag) {
        interrupt.install(flag)
    }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        pointer.pointee.streams[index]!
    }

    var formatName: String { String(cString: pointer.pointee.iformat.pointee.name) }

    /// The input's size in bytes (a file's size, a URL's length as its server said), when known.
    var byteCount: Int64? {
        guard let io = pointer.pointee.pb else { return nil }
        let size = avio_size(io)
        return size > 0 ? size : nil
    }

    /// Container start time in microseconds (`AV_TIME_BASE`), if known.
    var startTime: Int64? {
        pointer.pointee.start_time == fg_nopts_value() ? nil : pointer.pointee.start_time
    }

    /// Container duration in microseconds, if known.
    var duration: Int64? {
        pointer.pointee.duration == fg_nopts_value() || pointer.pointee.duration <= 0 ? nil : pointer.pointee.duration
    }

    /// Reads the next packet. Returns false at the end of the file.
    func read(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        if !pushedBack.isEmpty {
            let first = pushedBack.removeFirst()
            withExtendedLifetime(first) { av_packet_move_ref(packet.pointer, first.pointer) }
            return true
        }
        let result = av_read_frame(pointer, packet.pointer)
        if result == fg_averror_eof() { return false }
        try check(result, "av_read_frame")
        return true
    }

    /// Seeks so that the next packets of `streamIndex` start at a keyframe whose timestamp is at or before
    /// `timestamp` (in that stream's time base).
    func seek(stream streamIndex: Int32, to timestamp: Int64) throws(FFmpegError) {
        try refuseSeekingOnce()
        try check(avformat_seek_file(pointer, streamIndex, Int64.min, timestamp, timestamp, 0), "avformat_seek_file")
    }

    /// Seeks to the start of a stream whose earliest known timestamp is `first`: the keyframe at or before it,
    /// else the first keyframe after it. (Demuxers disagree about seeks to `Int64.min`; a real timestamp is safe.)
    func seekToStart(stream streamIndex: Int32, first: Int64) throws(FFmpegError) {
        try refuseSeekingOnce()
        if av_seek_frame(pointer, streamIndex, first, AVSEEK_FLAG_BACKWARD) >= 0 { return }
        try check(av_seek_frame(pointer, streamIndex, first, 0), "av_seek_frame")
    }

    /// Seeks to a byte position (a packet's `pos`), for demuxers that can (`canSeekToBytes`).
    func seek(toByte position: Int64) throws(FFmpegError) {
        try refuseSeekingOnce()
        try check(av_seek_frame(pointer, -1, position, AVSEEK_FLAG_BYTE), "av_seek_frame")
    }

    /// Whether a stream's packets carry timestamps of the container's: false for raw elementary streams
    /// (`AVFMT_NOTIMESTAMPS`, or no start time known anywhere), whose times FFmpeg makes up as it reads
    /// from the first byte, and guesses again, differently, after a seek.
    func hasTimestamps(stream streamIndex: Int) -> Bool {
        if pointer.pointee.iformat.pointee.flags & AVFMT_NOTIMESTAMPS != 0 { return false }
        return startTime != nil || stream(streamIndex).pointee.start_time != fg_nopts_value()
    }

    /// Whether the file is a raw elementary video stream (MPEG-1/2 video, H.264 or HEVC Annex B, MPEG-4
    /// part 2, H.261/H.263, VC-1, AV1 OBUs…): no container, so no timestamps but those libavformat makes
    /// up as it parses.
    var isRawElementaryStream: Bool {
        Self.rawVideoDemuxers.contains(formatName)
    }

    /// FFmpeg 5.1's demuxers of raw video elementary streams.
    private static let rawVideoDemuxers: Set<String> = ["mpegvideo", "h264", "hevc", "m4v", "h261", "h263", "cavsvideo", "vc1",
                                                        "dirac", "avs2", "avs3", "obu", "mjpeg", "ingenient"]

    /// A stream's own duration, when the container gives one.
    func duration(stream streamIndex: Int) -> MediaTime? {
        let stream = self.stream(streamIndex).pointee
        guard stream.duration != fg_nopts_value(), stream.duration > 0 else { return nil }
        return MediaTime(ticks: stream.duration, timeBase: TimeBase(stream.time_base))
    }

    /// Makes the demuxer skip the packets of every stream but one.
    func readOnly(stream kept: Int) {
        for index in 0..<streamCount where index != kept {
            stream(index).pointee.discard = AVDISCARD_ALL
        }
    }

    /// Whether the demuxer seeks by searching the file for timestamps (MPEG-TS, MPEG-PS: no index), which
    /// can land after the point asked for; reading from the first byte is the sure way to the start.
    var searchesTimestamps: Bool { pointer.pointee.iformat.pointee.read_timestamp != nil }

    /// Whether the demuxer can seek to a byte position.
    var canSeekToBytes: Bool { pointer.pointee.iformat.pointee.flags & AVFMT_NO_BYTE_SEEK == 0 }

    /// Seeks to the first byte of the file, for demuxers whose timestamp search cannot find the start.
    func seekToFirstByte() throws(FFmpegError) {
        try refuseSeekingOnce()
        try check(av_seek_frame(pointer, -1, 0, AVSEEK_FLAG_BYTE), "av_seek_frame")
    }

    /// Whether a stream's timestamps are decode times: its decoder reorders frames (B-frames), yet each of
    /// its first packets carries a presentation time equal to its decode time, as some old muxers wrote
    /// MP4 (no composition offsets). Reads up to 16 packets, then puts the demuxer back at the start
    /// (`atStart` false when that failed: the demuxer is then of no further use); an input that reads once
    /// keeps the packets, to hand them out again.
    func timestampsAreDecodeTimes(stream streamIndex: Int) -> (decodeTimes: Bool, atStart: Bool) {
        guard stream(streamIndex).pointee.codecpar.pointee.video_delay > 0 else { return (false, true) }
        var read: [Packet] = []
        var seen = 0, equal = true
        while seen < 16 {
            let packet = Packet()
            guard (try? self.read(into: packet)) == true else { break }
            read.append(packet)
            guard packet.streamIndex == Int32(streamIndex) else { continue }
            seen += 1
            guard let pts = packet.pts, let dts = packet.dts, pts == dts else {
                equal = false
                break
            }
        }
        let decodeTimes = equal && seen >= 4
        if readsOnce {
            pushedBack = read
            return (decodeTimes, true)
        }
        let rewound = (try? rewind(stream: Int32(streamIndex), first: earliestTimestamp(stream: streamIndex))) != nil
        return (decodeTimes, rewound)
    }

    /// Puts the demuxer back before the first packet of a stream whose earliest known timestamp is `first`:
    /// to the first byte where the demuxer finds times by searching (MPEG-TS, MPEG-PS), else by a seek.
    func rewind(stream streamIndex: Int32, first: Int64) throws(FFmpegError) {
        if searchesTimestamps && canSeekToBytes {
            try seekToFirstByte()
        } else {
            try seekToStart(stream: streamIndex, first: first)
        }
    }

    /// The earliest timestamp known for a stream, in any domain (its index, its start, the container's
    /// start): where "the start of the file" is for seeks.
    func earliestTimestamp(stream streamIndex: Int) -> Int64 {
        [firstIndexedTimestamp(stream: streamIndex), startTimestamp(stream: streamIndex), timelineOrigin(stream: streamIndex)]
            .compactMap { $0 }.min()!
    }

    /// The earliest timestamp in a stream's index, if it has one.
    func firstIndexedTimestamp(stream streamIndex: Int) -> Int64? {
        let stream = self.stream(streamIndex)
        guard avformat_index_get_entries_count(stream) > 0, let entry = avformat_index_get_entry(stream, 0) else { return nil }
        return entry.pointee.timestamp
    }

    /// How far a stream's index runs ahead of presentation: MP4 indexes decode times, and B-frames put
    /// presentation a constant delay later. The first sample's decode time is before the stream's start by
    /// that delay, which is known before reading anything (0 when the index holds presentation times).
    func indexDelay(stream streamIndex: Int) -> Int64 {
        let start = stream(streamIndex).pointee.start_time
        guard start != fg_nopts_value(), let first = firstIndexedTimestamp(stream: streamIndex), start > first else { return 0 }
        return start - first
    }

    /// A stream's index as the demuxer built it, read once for a whole generation run (see `StreamIndex`).
    func streamIndex(stream streamIndex: Int) -> StreamIndex {
        let (entries, everyFrame) = indexEntries(stream: streamIndex)
        return StreamIndex(keyframes: entries.map { StreamIndex.Entry(timestamp: $0.timestamp, position: $0.position) },
                           listsEveryFrame: everyFrame, delay: indexDelay(stream: streamIndex),
                           reorders: stream(streamIndex).pointee.codecpar.pointee.video_delay > 0)
    }

    /// The keyframe entries of a stream's index (timestamp and byte position), in index order, and whether
    /// the index lists every frame.
    func indexEntries(stream streamIndex: Int) -> (keyframes: [(timestamp: Int64, position: Int64)], listsEveryFrame: Bool) {
        let stream = self.stream(streamIndex)
        let count = avformat_index_get_entries_count(stream)
        var keyframes: [(timestamp: Int64, position: Int64)] = []
        keyframes.reserveCapacity(Int(count))
        for i in 0..<count {
            guard let entry = avformat_index_get_entry(stream, i), entry.pointee.flags & AVINDEX_KEYFRAME != 0 else { continue }
            keyframes.append((entry.pointee.timestamp, entry.pointee.pos))
        }
        // A sample table (MP4, AVI) has an entry for each of the frames the header counts; demuxers that
        // index as they read (MPEG-TS) or list seek points (Matroska cues, ASF) have fewer, or no count.
        let frames = stream.pointee.nb_frames
        return (keyframes, frames > 0 && Int64(count) >= frames)
    }

    /// The presentation timestamps (decode timestamps when a packet has none) of every keyframe packet of
    /// one stream, read from the file's packets without decoding anything, sorted, and whether every one
    /// had a presentation timestamp. Reads from the start.
    func keyframePacketTimestamps(stream streamIndex: Int) throws(FFmpegError) -> (ticks: [Int64], allPresentationTimes: Bool) {
        for index in 0..<streamCount {
            stream(index).pointee.discard = index == streamIndex ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
        let packet = Packet()
        var timestamps: [Int64] = []
        var allPresentationTimes = true
        while try read(into: packet) {
            guard packet.streamIndex == Int32(streamIndex), packet.isKeyframe, let tick = packet.pts ?? packet.dts else { continue }
            if packet.pts == nil { allPresentationTimes = false }
            timestamps.append(tick)
        }
        timestamps.sort()
        return (timestamps, allPresentationTimes)
    }

    /// The end of the last packet of one stream (its timestamp plus its duration, or plus `frameDuration`
    /// when it gives none), nothing decoded. Reads from the keyframe a seek finds shortly before `claimedEnd`
    /// (where the container says the stream ends) to the end of the file, stepping further back while no
    /// packet is found there (a header that promises more than the file holds); from the start when there
    /// is no claim or seeking fails (the demuxer must be at the start of the file when called). Nil when no
    /// packet has a timestamp. Packets an edit list cuts off do not count.
    func lastPacketEnd(stream streamIndex: Int, frameDuration: Int64, claimedEnd: Int64?, step: Int64) throws(FFmpegError) -> Int64? {
        var back = max(step, 1)
        let earliest = earliestTimestamp(stream: streamIndex)
        var moved = false
        if let claimedEnd {
            for _ in 0..<8 {
                let target = claimedEnd.saturatingSubtract(back)
                if target <= earliest { break }
                guard (try? seek(stream: Int32(streamIndex), to: target)) != nil else { break }
                moved = true
                if let end = try readPacketEnds(stream: streamIndex, frameDuration: frameDuration).end { return end }
                back = back.saturatingAdd(back).saturatingAdd(back).saturatingAdd(back)
            }
        }
        if moved { try rewind(stream: Int32(streamIndex), first: earliest) }
        return try readPacketEnds(stream: streamIndex, frameDuration: frameDuration).end
    }

    /// The sum of the durations of the packets of one stream from where the demuxer is (the start, for a
    /// demuxer just opened) to the end (`frameDuration` for a packet that gives none): how long a stream
    /// without timestamps plays.
    func summedPacketDurations(stream streamIndex: Int, frameDuration: Int64) throws(FFmpegError) -> Int64 {
        try readPacketEnds(stream: streamIndex, frameDuration: frameDuration).total
    }

    /// Reads the packets of one stream from where the demuxer is to the end of the file: the latest end of
    /// a packet with a timestamp, and the sum of all their durations.
    private func readPacketEnds(stream streamIndex: Int, frameDuration: Int64) throws(FFmpegError) -> (end: Int64?, total: Int64) {
        for index in 0..<streamCount {
            stream(index).pointee.discard = index == streamIndex ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
        let packet = Packet()
        var end: Int64?, total: Int64 = 0
        while try read(into: packet) {
            guard packet.streamIndex == Int32(streamIndex), !packet.isDiscarded else { continue }
            let length = packet.duration > 0 ? packet.duration : frameDuration
            total = total.saturatingAdd(length)
            if let tick = packet.pts ?? packet.dts { end = max(end ?? Int64.min, tick.saturatingAdd(length)) }
        }
        return (end, total)
    }

    /// The tick of a stream that is time 0 of the requested-time scale: the container start converted to
    /// the stream's time base, or the stream's own start when the two agree to within a microsecond (so that
    /// frame 0 sits exactly at time 0).
    func timelineOrigin(stream streamIndex: Int) -> Int64 {
        let stream = self.stream(streamIndex)
        let timeBase = stream.pointee.time_base
        let streamStart = stream.pointee.start_time == fg_nopts_value() ? nil : stream.pointee.start_time
        guard let start = startTime else { return streamStart ?? 0 }
        let ticks = av_rescale_q_rnd(start, fg_time_base_q(), timeBase, AV_ROUND_NEAR_INF)
        if let streamStart, abs(MediaTime(ticks: streamStart - ticks, timeBase: TimeBase(timeBase)).seconds) <= 1e-6 {
            return streamStart
        }
        return ticks
    }

    func timeBase(stream streamIndex: Int) -> TimeBase { TimeBase(stream(streamIndex).pointee.time_base) }

    /// The presentation time of a stream's first frame, when the demuxer knows it.
    func startTimestamp(stream streamIndex: Int) -> Int64? {
        let start = stream(streamIndex).pointee.start_time
        return start == fg_nopts_value() ? nil : start
    }

    /// Ticks of one frame of a stream at its stated rate (1 when unknown).
    func nominalFrameDuration(stream streamIndex: Int) -> Int64 {
        let stream = self.stream(streamIndex).pointee
        let rate = stream.avg_frame_rate.num > 0 ? stream.avg_frame_rate : stream.r_frame_rate
        guard rate.num > 0, rate.den > 0 else { return 1 }
        return max(1, av_rescale_q(1, AVRational(num: rate.den, den: rate.num), stream.time_base))
    }

    /// The shape of a stream's pixels by FFmpeg's rule (`av_guess_sample_aspect_ratio`): the container's
    /// ratio when it states one, else the frame's (the bitstream's), else the codec parameters'; 1:1 when
    /// nothing says. The one source of the sample aspect ratio for probing and for every picture.
    func sampleAspectRatio(stream streamIndex: Int, frame: Frame? = nil) -> (numerator: Int, denominator: Int) {
        var sar = av_guess_sample_aspect_ratio(pointer, stream(streamIndex), frame?.pointer)
        if sar.num <= 0 || sar.den <= 0 { sar = stream(streamIndex).pointee.codecpar.pointee.sample_aspect_ratio }
        if sar.num <= 0 || sar.den <= 0 { return (1, 1) }
        return (Int(sar.num), Int(sar.den))
    }
}

/// The C struct a context's interrupt callback reads, and the Swift objects whose C parts it points to.
private final class InterruptState {
    let pointer: UnsafeMutablePointer<fg_interrupt_state>
    private let deadline: Deadline
    /// Every flag ever installed stays alive with the context: FFmpeg may still be reading the one replaced.
    private var flags: [CancellationFlag] = []

    init(deadline: Deadline) {
        self.deadline = deadline
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: fg_interrupt_state(deadline: deadline.pointer, cancelled: nil))
    }

    deinit { pointer.deallocate() }

    func install(_ flag: CancellationFlag) {
        flags.append(flag)
        fg_interrupt_set_cancellation(pointer, flag.pointer)
    }
}
