/// A size in pixels.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels. Zero means unconstrained where the size is a maximum (`AssetImageGenerator.maximumSize`).
    public var width: Int
    /// Height in pixels. Zero means unconstrained where the size is a maximum (`AssetImageGenerator.maximumSize`).
    public var height: Int
    /// A size of `width` × `height` pixels, kept as given (negative values are not checked here).
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// 0×0: as a maximum size, no constraint at all.
    public static let zero = PixelSize(width: 0, height: 0)
    /// `WIDTHxHEIGHT`, for example `640x360`.
    public var description: String { "\(width)x\(height)" }
}

/// The video stream images are taken from.
public struct VideoTrack: Sendable {
    /// Position of the stream in the container.
    public let streamIndex: Int
    /// FFmpeg's codec name (`h264`, `hevc`, `vp9`, …).
    public let codecName: String
    /// Whether this FFmpeg build has a decoder for the codec.
    public let isDecodable: Bool
    /// Stored picture size, as encoded.
    public let encodedSize: PixelSize
    /// Shape of one stored pixel (`1:1` for square pixels), by FFmpeg's rule: the container's ratio when it
    /// states one, else the bitstream's.
    public let sampleAspectRatio: (numerator: Int, denominator: Int)
    /// How the stored picture is turned to be shown upright.
    public let orientation: Orientation
    /// The size at which the picture is shown: square pixels, then the orientation applied.
    public let displaySize: PixelSize
    /// Frames per second as the container states it (the average rate), or nil when it does not say.
    public let nominalFrameRate: Double?
    /// FFmpeg's name for the decoded pixel format (`yuv420p`, …), when known before decoding.
    public let pixelFormatName: String?
    /// The stream's time base: timestamps count in units of `timeBase.numerator / timeBase.denominator` s.
    public let timeBase: (numerator: Int, denominator: Int)
    /// The exact average frame rate as the container states it (`30000/1001`), or nil when it does not say.
    public let frameRate: (numerator: Int, denominator: Int)?
    /// FFmpeg's name for the sample range the stream declares: `tv` (narrow, video levels) or `pc` (full);
    /// nil when unspecified.
    public let colorRange: String?
    /// FFmpeg's name for the colour primaries the stream declares (`bt709`, `bt2020`, …); nil when unspecified.
    public let colorPrimaries: String?
    /// FFmpeg's name for the transfer characteristic the stream declares (`bt709`, `smpte2084` for PQ,
    /// `arib-std-b67` for HLG, …); nil when unspecified.
    public let colorTransfer: String?
    /// FFmpeg's name for the matrix coefficients the stream declares, which FFmpeg calls its colour space
    /// (`bt709`, `bt2020nc`, …); nil when unspecified.
    public let colorSpace: String?
    /// Number of frames as the container states it, or nil when it does not say.
    public let frameCount: Int?
}

/// One stream of a file, as listed by `MediaAsset.streams`.
public struct StreamInfo: Sendable {
    /// What a stream carries, as FFmpeg classifies it. The raw value (`video`, `audio`, …) is what
    /// `framegrab probe` prints.
    public enum MediaType: String, Sendable {
        /// Pictures, sound, subtitles, other data (such as timecode), an attached file (such as a font), or a
        /// kind FFmpeg does not name.
        case video, audio, subtitle, data, attachment, unknown
    }
    /// Position of the stream in the container: the number `MediaAsset(path:limits:videoStream:)` takes as
    /// `videoStream`.
    public let index: Int
    /// What the stream carries. Cover art is a video stream with `isAttachedPicture` set.
    public let mediaType: MediaType
    /// FFmpeg's codec name (`h264`, `aac`, `mov_text`, …); `none` when FFmpeg does not identify the codec.
    public let codecName: String
    /// True for cover art and other still pictures attached to the file.
    public let isAttachedPicture: Bool
    /// Picture size of a video stream (zero for other kinds).
    public let size: PixelSize
    /// Samples per second of an audio stream (zero for other kinds).
    public let sampleRate: Int
    /// Channel count of an audio stream (zero for other kinds).
    public let channelCount: Int
    /// The stream's `language` tag (`eng`), if any.
    public let language: String?
    /// Whether this FFmpeg build has a decoder for the stream's codec.
    public let isDecodable: Bool
    /// Number of frames (or packets, for other kinds) as the container states it, or nil when it does not say.
    public let frameCount: Int?
    /// True for a video stream that holds a single picture (a motion photo's still, a thumbnail) as the
    /// container describes it: one frame, or a duration of at most one frame when it does not count
    /// frames. Attached pictures (`isAttachedPicture`) are not counted here.
    public let isOneFrameStill: Bool
}
