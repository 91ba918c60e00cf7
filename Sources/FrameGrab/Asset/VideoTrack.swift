/// A size in pixels.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public static let zero = PixelSize(width: 0, height: 0)
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
    /// FFmpeg's names for the colour properties the stream declares (`tv`/`pc`, `bt709`, …); nil when unspecified.
    public let colorRange: String?
    public let colorPrimaries: String?
    public let colorTransfer: String?
    public let colorSpace: String?
    /// Number of frames as the container states it, or nil when it does not say.
    public let frameCount: Int?
}

/// One stream of a file, as listed by `MediaAsset.streams`.
public struct StreamInfo: Sendable {
    public enum MediaType: String, Sendable {
        case video, audio, subtitle, data, attachment, unknown
    }
    public let index: Int
    public let mediaType: MediaType
    public let codecName: String
    /// True for cover art and other still pictures attached to the file.
    public let isAttachedPicture: Bool
    /// Picture size of a video stream (zero for other kinds).
    public let size: PixelSize
    /// Samples per second and channel count of an audio stream (zero for other kinds).
    public let sampleRate: Int
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
