internal import CFFmpeg

/// Standard input as the demuxer reads it: FFmpeg's `pipe:0`, through an I/O context of our own that hands
/// the bytes on unchanged and watches the MP4 boxes at their start going by (`MovieHeaderWatch`). A pipe
/// cannot be read twice, so what the demuxer does not expose (whether an MP4 is fragmented) is seen here.
final class WatchedPipe {
    /// The context the demuxer reads (its `pb`): not seekable.
    let context: UnsafeMutablePointer<AVIOContext>
    /// `pipe:0` itself: FFmpeg's retries of an empty non-blocking read, with `interrupt`'s checks.
    private var pipe: UnsafeMutablePointer<AVIOContext>?
    private(set) var header = MovieHeaderWatch()

    init(interrupt: UnsafePointer<AVIOInterruptCB>) throws(FFmpegError) {
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", "pipe", 0)
        defer { av_dict_free(&options) }
        try check(avio_open2(&pipe, "pipe:0", AVIO_FLAG_READ, interrupt, &options), "avio_open2")
        let size: Int32 = 32_768
        guard let buffer = av_malloc(Int(size)) else {
            avio_closep(&pipe)
            throw FFmpegError(call: "av_malloc", code: fg_averror(ENOMEM))
        }
        guard let context = avio_alloc_context(buffer.assumingMemoryBound(to: UInt8.self), size, 0, nil, { opaque, buffer, size in
            Unmanaged<WatchedPipe>.fromOpaque(opaque!).takeUnretainedValue().read(buffer!, Int(size))
        }, nil, nil) else {
            av_free(buffer)
            avio_closep(&pipe)
            throw FFmpegError(call: "avio_alloc_context", code: fg_averror(ENOMEM))
        }
        self.context = context
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        // The demuxer may have replaced the buffer: free the one the context holds now.
        av_freep(&context.pointee.buffer)
        var context: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&context)
        avio_closep(&pipe)
    }

    private func read(_ buffer: UnsafeMutablePointer<UInt8>, _ size: Int) -> Int32 {
        let count = avio_read_partial(pipe, buffer, Int32(size))
        guard count > 0 else { return count == 0 ? fg_averror_eof() : count }
        header.consume(UnsafeRawBufferPointer(start: buffer, count: Int(count)))
        return count
    }
}

/// What the first boxes of an MP4 (QuickTime, ISO BMFF) stream say, read as its bytes go by, keeping at most
/// one box header: whether its `moov` holds an `mvex`, the mark of a fragmented movie, whose header lists only
/// the frames before its first fragment (`ffmpeg -movflags frag_keyframe` writes such a file, even to a pipe).
/// Any other stream is left alone after its first bytes.
struct MovieHeaderWatch {
    /// The `moov` says the movie goes on in fragments (`mvex`).
    private(set) var isFragmented = false
    /// Nothing more to learn: the `moov` was read through, the stream is not an MP4's, or it is malformed.
    private(set) var isDone = false

    /// Bytes seen so far.
    private var position: Int64 = 0
    /// Where the box header being looked for starts, and the bytes of it seen so far (at most 16).
    private var headerStart: Int64 = 0
    private var headerBytes: [UInt8] = []
    /// The end of the `moov` whose children are being looked at, once its header went by.
    private var movieEnd: Int64?
    /// Boxes looked at: a stream that is not an MP4 stops being watched after a few.
    private var boxesSeen = 0

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        let start = position
        position += Int64(bytes.count)
        while !isDone {
            // The header's bytes in this chunk: from where those seen so far end, up to 16.
            let next = headerStart + Int64(headerBytes.count)
            if headerBytes.count < 16, next >= start, next < position {
                let from = Int(next - start), take = min(16 - headerBytes.count, bytes.count - from)
                headerBytes += bytes[from..<(from + take)]
            }
            guard let (size, type, length) = box() else { return }  // the rest of the header is to come
            // A box "to the end of the stream" (size 0), a malformed one, or too many: nothing more to learn.
            guard let size, size >= length, boxesSeen < 64 else { isDone = true; return }
            boxesSeen += 1
            if let movieEnd {
                if type == "mvex" { isFragmented = true; isDone = true; return }
                advance(to: headerStart + size)
                if headerStart >= movieEnd { isDone = true }
            } else if type == "moov" {
                movieEnd = headerStart + size
                advance(to: headerStart + length)
            } else if boxesSeen == 1 && !["ftyp", "styp", "free", "skip", "wide", "moov", "mdat", "pnot", "uuid"].contains(type) {
                isDone = true  // not an MP4
            } else {
                advance(to: headerStart + size)
            }
        }
    }

    /// The header at `headerStart`, when enough of it has been seen: its box's size in bytes (nil: to the end
    /// of the stream), type, and the header's own length.
    private func box() -> (size: Int64?, type: String, length: Int64)? {
        guard headerBytes.count >= 8 else { return nil }
        let size32 = headerBytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let type = String(decoding: headerBytes[4..<8], as: UTF8.self)
        switch size32 {
        case 0: return (nil, type, 8)
        case 1:
            guard headerBytes.count >= 16 else { return nil }
            let size64 = headerBytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return (Int64(clamping: size64), type, 16)
        default: return (Int64(size32), type, 8)
        }
    }

    /// Looks for the next header at `offset`, keeping those of its bytes already seen.
    private mutating func advance(to offset: Int64) {
        let kept = offset - headerStart
        headerBytes = kept < Int64(headerBytes.count) ? Array(headerBytes[Int(kept)...]) : []
        headerStart = offset
    }
}
