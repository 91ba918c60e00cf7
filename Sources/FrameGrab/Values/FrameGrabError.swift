import Foundation

/// Why an asset could not be opened or a requested image could not be made.
///
/// `code` is a stable identifier meant for scripts (it appears in the command's JSON output);
/// `message` is for people and names the file and, where there is one, the requested time. It is also the
/// error's `errorDescription`, so `localizedDescription` says the same.
public struct FrameGrabError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// What kind of failure an error is. The raw value, the case's name (`notFound`), is the stable
    /// identifier of the command's JSON output.
    public enum Code: String, Sendable, CaseIterable {
        /// The file does not exist.
        case notFound
        /// The file exists but may not be read.
        case permissionDenied
        /// A folder was given where a file was expected.
        case isDirectory
        /// A named pipe, socket or device was given where a file was expected.
        case notRegularFile
        /// The file is empty.
        case emptyFile
        /// FFmpeg does not recognise the contents as a media file, or they are corrupt.
        case invalidData
        /// The file has no video stream (audio only, or cover art only).
        case noVideoStream
        /// The video stream asked for (`MediaAsset(path:limits:videoStream:)`) is not a video stream this FFmpeg
        /// can decode: there is no stream of that index, or it is audio, subtitles, data, cover art, or a codec
        /// without a decoder.
        case invalidStream
        /// FFmpeg has no decoder for the video codec.
        case unsupportedCodec
        /// Decoding failed before the requested frame could be produced.
        case decodeFailed
        /// The requested time is at or past the end of the video.
        case beyondEnd
        /// The requested time is not a valid time (NaN).
        case invalidTime
        /// The image could not be written.
        case writeFailed
        /// Generation was cancelled before this request was answered.
        case cancelled
        /// Reading the file failed (an I/O error other than the ones above).
        case readFailed
        /// The video's frames have more pixels than the limit (`AssetLimits.maximumPixelCount`).
        case tooLarge
        /// Work on the file took longer than its time limit (`AssetLimits.timeLimit`).
        case timedOut
        /// A URL's server refused it (HTTP 401 or 403).
        case forbidden
        /// A URL could not be read: the connection was refused or cut short, the host is unknown or
        /// unreachable, or the server answered with another HTTP error.
        case networkFailed
        /// The input can only be read once, forward (standard input, `-`), and what was asked needs it read
        /// out of order: an MP4 whose index comes after its frames, a time before one already answered, a
        /// second pass over the file (keyframe times, then frames), or a length the container does not give.
        case needsSeekableInput
    }

    /// What kind of failure this is, for programs and scripts to act on.
    public let code: Code
    /// A sentence for people, naming the file (and time, where there is one).
    public let message: String
    /// The file the error is about.
    public let path: String?
    /// The requested time the error is about, for per-request failures.
    public let requestedTime: MediaTime?

    /// An error of the kind `code`, with the message people read; `path` and `requestedTime` name what it
    /// is about, where there is something to name.
    public init(_ code: Code, _ message: String, path: String? = nil, requestedTime: MediaTime? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.requestedTime = requestedTime
    }

    /// The message.
    public var description: String { message }

    /// The message, for `localizedDescription`.
    public var errorDescription: String? { message }

    /// The same error about another requested time.
    func at(_ time: MediaTime) -> FrameGrabError {
        FrameGrabError(code, message, path: path, requestedTime: time)
    }
}
