import Foundation
import Locking

/// A video opened with FFmpeg, and what is known about it before decoding anything: a local file, an
/// `http://` or `https://` URL (see `MediaLocation`), read with range requests as each request needs, or
/// standard input (`-`), read once, forward (see `readsOnce`).
///
/// ```swift
/// let asset = try MediaAsset(path: "movie.mp4")
/// print(asset.duration.seconds, asset.videoTrack.displaySize)
/// let remote = try await MediaAsset.open(url: URL(string: "https://example.com/v/clip.mp4")!)
/// ```
public final class MediaAsset: Sendable {
    /// The file as a URL, made from `path` (a relative path resolves against the current directory), or
    /// the network URL as given, credentials included (show `path` instead).
    public let url: URL
    /// The path as given, for messages; a network URL with its credentials redacted
    /// (`MediaLocation.redacted`); `stdin` for standard input.
    public let path: String
    /// What FFmpeg opens: the path or URL as given.
    let location: String
    /// FFmpeg's name for the container format (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `mpegts`, …).
    public let formatName: String
    /// Length of the presentation timeline (the container's duration), or `.invalid` when unknown.
    public let duration: MediaTime
    /// How long the video lasts on the timeline: from time 0 to the end of its stream, when the container
    /// says where the stream starts and how long it is (and that ends within `duration`); otherwise
    /// `duration`. Audio or subtitles can run on after the last picture, and a first picture can come late:
    /// times given as shares of the length (`50%`, evenly spaced times, contact sheets) are placed within
    /// this, so that 100% is the video's last frame.
    public let videoDuration: MediaTime
    /// Where the container's timeline starts. Requested times count from here: time 0 is this instant.
    public let startTime: MediaTime
    /// The video stream that images come from.
    public let videoTrack: VideoTrack
    /// Why `videoTrack` is that stream: named when the asset was opened, or chosen (see `VideoStreamSelection`).
    public let videoStreamSelection: VideoStreamSelection
    /// The input's size in bytes (a file's size; a URL's length, as its server says), when known.
    public let byteCount: Int64?
    /// Every stream in the file, in container order.
    public let streams: [StreamInfo]
    /// The bounds this file is worked on within.
    public let limits: AssetLimits
    /// Whether the input can be read only once, from start to end: standard input (`-`), a pipe. A
    /// generator then answers all its requests in one forward pass, in time order, with one decoder; a
    /// request with a tolerance gets the exact frame (it is in every window); and what needs the input read
    /// again or out of order fails with `needsSeekableInput`: a second pass (keyframe times or shots, then
    /// images; a second generator), a frame before one already passed, an MP4 whose index follows its
    /// frames, or `measuredVideoDuration()` when the container states no length (MPEG-TS, a fragmented MP4:
    /// `duration` is then `.invalid`).
    public let readsOnce: Bool
    /// How the video's frames are placed on the timeline (see `FrameTiming`).
    let frameTiming: FrameTiming
    /// When work on the file stops: `limits.timeLimit` after it was opened.
    let deadline: Deadline

    /// The demuxer opened to read the file's header, handed to the first generator that asks for one
    /// so that a file is probed once in the common case.
    private let spareDemuxer: Lock<DemuxerBox?>
    /// What `measuredVideoDuration()` found, once it has looked.
    let measuredLength = Lock<MediaTime?>(nil)

    /// Opens the file and reads its header on the process's `WorkPool`, suspending meanwhile: the way to
    /// open a file from async code. Throws as `init(path:limits:videoStream:)`.
    ///
    /// ```swift
    /// let asset = try await MediaAsset.open(path: "movie.mp4")
    /// ```
    ///
    /// Cancelling the calling task stops a blocked open or read at once (the error is `cancelled`).
    public static func open(path: String, limits: AssetLimits = .default, videoStream: Int? = nil) async throws(FrameGrabError) -> MediaAsset {
        let cancellation = CancellationFlag()
        let result: Result<MediaAsset, FrameGrabError> = await withTaskCancellationHandler {
            await WorkPool.shared.run {
                let shown = MediaLocation.redacted(path)
                if cancellation.isSet { return .failure(FrameGrabError(.cancelled, "\(shown): cancelled", path: shown)) }
                do throws(FrameGrabError) {
                    let asset = try MediaAsset(path: path, limits: limits, videoStream: videoStream, cancellation: cancellation)
                    // An interrupted probe stops early without an error: its asset would be half read.
                    if cancellation.isSet { return .failure(FrameGrabError(.cancelled, "\(shown): cancelled", path: shown)) }
                    return .success(asset)
                } catch {
                    return .failure(cancellation.isSet ? FrameGrabError(.cancelled, "\(shown): cancelled", path: shown) : error)
                }
            }
        } onCancel: {
            cancellation.set()
        }
        return try result.get()
    }

    /// `open(path:limits:videoStream:)` for a file URL, or an `http`/`https` one.
    public static func open(url: URL, limits: AssetLimits = .default, videoStream: Int? = nil) async throws(FrameGrabError) -> MediaAsset {
        try await open(path: url.isFileURL ? url.path : url.absoluteString, limits: limits, videoStream: videoStream)
    }

    /// Opens the file (or `http`/`https` URL) at `url` and reads its header, as `init(path:limits:videoStream:)`.
    @available(*, noasync, message: "opens and probes the file on the calling thread; use MediaAsset.open(url:) in async code")
    public convenience init(url: URL, limits: AssetLimits = .default, videoStream: Int? = nil) throws(FrameGrabError) {
        try self.init(path: url.isFileURL ? url.path : url.absoluteString, limits: limits, videoStream: videoStream)
    }

    /// Opens the file and reads its header. Throws a `FrameGrabError` whose code says what is wrong with
    /// the input: `notFound`, `permissionDenied`, `isDirectory`, `emptyFile`, `invalidData`,
    /// `noVideoStream`, `invalidStream`, `tooLarge`, `timedOut` or `readFailed`; for a URL also
    /// `forbidden` (401, 403) and `networkFailed` (refused, unreachable, cut short, another HTTP error).
    /// `path` may be an `http://` or `https://` URL: redirects are followed, and only those protocols
    /// (and TLS) are allowed to what it names, so a playlist cannot point at local files.
    ///
    /// - Parameters:
    ///   - limits: the bounds the file is worked on within.
    ///   - videoStream: the index of the video stream images come from: its position in the container, as
    ///     `streams` lists it (and `framegrab probe` prints it). It must be a video stream this FFmpeg can
    ///     decode, not an attached picture, else the error is `invalidStream`. Nil (the default) lets the
    ///     asset choose, as `VideoStreamSelection` describes: a moving stream over one-frame stills, else
    ///     FFmpeg's own choice.
    ///
    /// This blocks the calling thread while FFmpeg reads the file: in async code use `open(path:)`.
    ///
    /// ```swift
    /// let clip = try MediaAsset(path: "motion-photo.mp4")                   // the moving stream
    /// let still = try MediaAsset(path: "motion-photo.mp4", videoStream: 1)  // the full-size still
    /// ```
    @available(*, noasync, message: "opens and probes the file on the calling thread; use MediaAsset.open(path:) in async code")
    public convenience init(path: String, limits: AssetLimits = .default, videoStream: Int? = nil) throws(FrameGrabError) {
        try self.init(path: path, limits: limits, videoStream: videoStream, cancellation: nil)
    }

    /// `cancellation`: stops the open when set (see `open(path:)`).
    init(path location: String, limits: AssetLimits, videoStream: Int?, cancellation: CancellationFlag?) throws(FrameGrabError) {
        FFmpegLog.applyDefault()
        let path = MediaLocation.redacted(location)
        self.path = path
        self.location = location
        if MediaLocation.isStandardInput(location) {
            url = URL(fileURLWithPath: "/dev/stdin")
        } else {
            url = MediaLocation.isNetwork(location) ? URL(string: location) ?? URL(fileURLWithPath: location) : URL(fileURLWithPath: location)
        }
        self.limits = limits
        // The time limit counts from here, while the file is being opened, and later while jobs work on it.
        let deadline = Deadline(limit: limits.timeLimit)
        defer { deadline.end() }
        self.deadline = deadline
        let format = try MediaAsset.openDemuxer(location: location, deadline: deadline, cancellation: cancellation, limits: limits)
        if format.formatName == "tty" {
            // FFmpeg takes a text file (.txt, .nfo, .asc, ... by its name) for ANSI art, and draws it as video.
            throw FrameGrabError(.invalidData, "\(path): a text file, not a video", path: path)
        }
        formatName = format.formatName
        byteCount = format.byteCount
        readsOnce = format.readsOnce

        let streams = (0..<format.streamCount).map { StreamInfo(format: format, index: $0) }
        self.streams = streams
        let choice = try VideoStreamSelection.choose(requested: videoStream, streams: streams, format: format, path: path)
        let chosen = choice.index
        videoStreamSelection = choice.selection
        let track = VideoTrack(format: format, index: chosen)
        guard track.encodedSize.width > 0, track.encodedSize.height > 0 else {
            throw FrameGrabError(.invalidData, "\(path): the video stream has no picture size (corrupt or unsupported data)", path: path)
        }
        if track.encodedSize.width.multipliedReportingOverflow(by: track.encodedSize.height).overflow
            || track.encodedSize.width * track.encodedSize.height > limits.maximumPixelCount {
            throw FrameGrabError(tooLarge: track.encodedSize, limit: limits.maximumPixelCount, path: path)
        }
        videoTrack = track

        let start = format.startTime.map { MediaTime(value: $0, timescale: 1_000_000) } ?? .zero
        startTime = start
        if !format.durationIsStated && readsOnce {
            // Guessed from the bytes read so far, and no way to look at the end: not known.
            duration = .invalid
        } else if let d = format.duration {
            duration = MediaTime(value: d, timescale: 1_000_000)
        } else if let streamDuration = format.duration(stream: chosen) {
            duration = streamDuration
        } else {
            duration = .invalid
        }
        if duration.isNumeric || !readsOnce, let length = format.duration(stream: chosen), let first = format.startTimestamp(stream: chosen),
           case let end = MediaTime(ticks: first, timeBase: format.timeBase(stream: chosen)) + length - start,
           end > .zero, !duration.isNumeric || end <= duration {
            videoDuration = end
        } else {
            videoDuration = duration
        }
        // Read nothing from the other streams: the demuxer skips their packets.
        format.readOnly(stream: chosen)
        var spare: FormatContext? = format
        if format.isRawElementaryStream {
            frameTiming = .counted
        } else {
            let (decodeTimes, atStart) = format.timestampsAreDecodeTimes(stream: chosen)
            frameTiming = decodeTimes ? .decodeOrder : .presentationTimestamps
            if !atStart { spare = nil }
        }
        spareDemuxer = Lock(spare.map(DemuxerBox.init))
    }

    /// Throws `unsupportedCodec` when this FFmpeg cannot decode the video track (a generator would fail
    /// every request with it): lets a caller report the file once instead of once per request.
    public func requireDecoder() throws(FrameGrabError) {
        guard !videoTrack.isDecodable else { return }
        let codec = videoTrack.codecName == "none" ? "video codec (one FFmpeg does not know)" : "\(videoTrack.codecName) codec"
        throw FrameGrabError(.unsupportedCodec, "\(path): no decoder for the \(codec) in this FFmpeg", path: path)
    }

    /// Puts a demuxer back at the start of the file and keeps it for the next `takeDemuxer()`, when none is
    /// kept (it is dropped when it cannot be put back).
    func giveBack(_ format: FormatContext) {
        guard !readsOnce else { return }
        let stream = videoTrack.streamIndex
        guard (try? format.rewind(stream: Int32(stream), first: format.earliestTimestamp(stream: stream))) != nil else { return }
        spareDemuxer.withLock { box in
            if box == nil { box = DemuxerBox(format) }
        }
    }

    /// The demuxer opened by `init`, the first time it is asked for; a newly opened one afterwards (for an
    /// input that reads once, there is no other: `needsSeekableInput`).
    func takeDemuxer() throws(FrameGrabError) -> FormatContext {
        if let spare = spareDemuxer.withLock({ box -> FormatContext? in
            defer { box = nil }
            return box?.format
        }) {
            return spare
        }
        if readsOnce { throw FrameGrabError(readAgain: path) }
        let format = try MediaAsset.openDemuxer(location: location, deadline: deadline, limits: limits)
        format.readOnly(stream: videoTrack.streamIndex)
        return format
    }

    private static func openDemuxer(location: String, deadline: Deadline, cancellation: CancellationFlag? = nil,
                                    limits: AssetLimits) throws(FrameGrabError) -> FormatContext {
        let network = MediaLocation.isNetwork(location)
        let path = MediaLocation.redacted(location)
        if MediaLocation.isStandardInput(location) {
            if isatty(STDIN_FILENO) != 0 {
                throw FrameGrabError(.invalidData, "\(path): standard input is a terminal; pipe a video into it (cat clip.mkv | framegrab - ...)", path: path)
            }
        } else if !network {
            try FileCheck.readableFile(path)
        }
        let format: FormatContext
        do {
            format = try FormatContext(path: location, network: network, deadline: deadline, cancellation: cancellation,
                                       maximumPixels: limits.maximumPixelCount)
        } catch {
            if deadline.hasPassed { throw FrameGrabError(timedOut: path, limit: deadline.limit, time: nil) }
            if network { throw FrameGrabError(openingURL: path, error) }
            if MediaLocation.isStandardInput(location) { throw FrameGrabError(openingPipe: path, error) }
            throw FrameGrabError(opening: path, error)
        }
        // Probing stops early, without an error, when interrupted.
        if deadline.hasPassed { throw FrameGrabError(timedOut: path, limit: deadline.limit, time: nil) }
        return format
    }
}

/// Lets a demuxer sit in a `Lock` or move to another thread; it is only ever used by one owner at a time.
struct DemuxerBox: @unchecked Sendable {
    let format: FormatContext
    init(_ format: FormatContext) { self.format = format }
}

extension FrameGrabError {
    init(tooLarge size: PixelSize, limit: Int, path: String, time: MediaTime? = nil) {
        let at = time.map { " at \($0)" } ?? ""
        self.init(.tooLarge, "\(path)\(at): the video's frames are \(size.width)x\(size.height), more than the limit of \(limit) pixels",
                  path: path, requestedTime: time)
    }

    init(cancelled path: String, time: MediaTime) {
        self.init(.cancelled, "\(path) at \(time): cancelled", path: path, requestedTime: time)
    }

    /// Standard input was read, and something needs it read again.
    init(readAgain path: String, time: MediaTime? = nil) {
        let at = time.map { " at \($0)" } ?? ""
        self.init(.needsSeekableInput, "\(path)\(at): standard input can be read only once, and this needs it read again; save the video to a file first", path: path, requestedTime: time)
    }

    init(timedOut path: String, limit: Duration?, time: MediaTime?) {
        let at = time.map { " at \($0)" } ?? ""
        let after = limit.map { " of \($0.secondsDescription)" } ?? ""
        self.init(.timedOut, "\(path)\(at): gave up, the file took longer than the time limit\(after)", path: path, requestedTime: time)
    }

    /// Turns a failure to open or probe a URL into the error a person can act on: the server's answer
    /// where it gave one, else what went wrong with the connection.
    init(openingURL path: String, _ error: FFmpegError) {
        switch error.httpStatus {
        case 404: self.init(.notFound, "\(path): the server has no such file (HTTP 404)", path: path)
        case 401, 403: self.init(.forbidden, "\(path): the server refused access (HTTP \(error.httpStatus!))", path: path)
        case 400: self.init(.networkFailed, "\(path): the server answered HTTP 400 (bad request)", path: path)
        case 499: self.init(.networkFailed, "\(path): the server answered with an HTTP 4xx error", path: path)
        case 599: self.init(.networkFailed, "\(path): the server answered with an HTTP 5xx error", path: path)
        default:
            if error.isInvalidData || error.isEndOfFile {
                self.init(.invalidData, "\(path): not a media file FFmpeg can read (unrecognised or corrupt data)", path: path)
            } else {
                self.init(.networkFailed, "\(path): cannot read from the server (\(error.message))", path: path)
            }
        }
    }

    /// Turns a failure to open or probe standard input into the error a person can act on: what a pipe
    /// cannot give (FFmpeg's reader wanted to seek: an MP4 whose index follows its frames, some APNG files
    /// in FFmpeg 5.1) is `needsSeekableInput`.
    init(openingPipe path: String, _ error: FFmpegError) {
        switch error.posixErrno {
        case ESPIPE:
            self.init(.needsSeekableInput, "\(path): an MP4 whose index (moov) comes after its frames cannot be read from a pipe; save it to a file, or remux it with ffmpeg -movflags +faststart", path: path)
        case ENOSYS:
            self.init(.needsSeekableInput, "\(path): FFmpeg reads this format only from a file it can seek in (\(error.message)); save it to a file first", path: path)
        case EIO:
            self.init(.invalidData, "\(path): not a media file FFmpeg can read from a pipe (cut short or corrupt, or a format FFmpeg reads only from a file, as GIF: \(error.message))", path: path)
        default:
            self.init(opening: path, error)
        }
    }

    /// Turns a failure to open or probe a file into the error a person can act on.
    init(opening path: String, _ error: FFmpegError) {
        switch error.posixErrno {
        case ENOENT: self.init(.notFound, "\(path): no such file", path: path)
        case EACCES, EPERM: self.init(.permissionDenied, "\(path): permission denied", path: path)
        case EISDIR: self.init(.isDirectory, "\(path): is a folder, not a video file", path: path)
        case EIO:
            // Demuxers (Matroska among them) report a header cut short as an I/O error; the file itself was
            // read fine up to that point (FileCheck saw a readable regular file).
            self.init(.invalidData, "\(path): not a media file FFmpeg can read (cut short or corrupt: \(error.message))", path: path)
        default:
            if error.isInvalidData || error.isEndOfFile {
                self.init(.invalidData, "\(path): not a media file FFmpeg can read (unrecognised or corrupt data)", path: path)
            } else {
                self.init(.readFailed, "\(path): cannot read the file (\(error.message))", path: path)
            }
        }
    }
}

