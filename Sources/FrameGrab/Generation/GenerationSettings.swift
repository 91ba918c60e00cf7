/// Everything that decides which frame answers a request and what its image looks like: the one value a
/// generator runs with (`AssetImageGenerator.settings`), the command plans with, and the decoding core
/// reads, under the same names all the way.
///
/// ```swift
/// var settings = GenerationSettings()
/// settings.toleranceBefore = .positiveInfinity      // the nearest keyframe: fast thumbnails
/// settings.toleranceAfter = .positiveInfinity
/// settings.maximumSize = PixelSize(width: 320, height: 0)
/// let generator = AssetImageGenerator(asset: asset, settings: settings)
/// ```
public struct GenerationSettings: Sendable, Equatable {
    /// How far before the requested time the image may be (zero, the default, means exactly;
    /// `.positiveInfinity` means any earlier frame). The generator stores negative or invalid values as zero.
    public var toleranceBefore = MediaTime.zero
    /// How far after the requested time the image may be. See `toleranceBefore`.
    public var toleranceAfter = MediaTime.zero
    /// The largest image wanted: images are scaled down to fit inside it, keeping their shape, and never
    /// scaled up. A zero dimension is unconstrained; `.zero` (the default) keeps the display size.
    public var maximumSize = PixelSize.zero
    /// Whether images are turned upright by the stream's display matrix. True by default (unlike
    /// AVFoundation, whose default of false gives sideways phone videos).
    public var appliesPreferredTrackTransform = true
    /// Whether pixels are made square (`.productionAperture`, the default) or kept as stored.
    public var apertureMode = ApertureMode.productionAperture
    /// Threads decoding may use; 0 (the default) means one per core. See
    /// `AssetImageGenerator.decoderThreadCount`.
    public var decoderThreadCount = 0
    /// Bits per channel of the images: `.eight` (the default) or `.sixteen`.
    public var outputDepth = OutputDepth.eight
    /// What happens to PQ and HLG pictures: tone-mapped (`.toneMap`, the default) or kept (`.keep`).
    public var hdrPolicy = HDRPolicy.toneMap
    /// Whether frames flagged as interlaced are deinterlaced (true, the default).
    public var deinterlaces = true
    /// nil (the default): the frame at each time, blank or not. A duration: a request whose frame is blank
    /// (see `BlankFrameCheck`) gets the nearest frame that is not, no farther than this from the requested
    /// time, searching after the time first; `GeneratedImage.blankFrameCheck` says what happened. A
    /// `FrameRequest` may set its own.
    public var nonBlankWithin: MediaTime? = nil

    /// The default settings: zero tolerances, the display size, upright, square pixels, one decoder
    /// thread per core, 8 bits per channel, HDR tone-mapped, deinterlaced.
    public init() {}

    /// Whether both tolerances are zero: every request gets the frame on screen at its time.
    public var isExact: Bool { toleranceBefore == .zero && toleranceAfter == .zero }

    /// The size of the image made of a picture stored at `encoded` with pixels of shape
    /// `sampleAspectRatio` in a stream turned by `orientation`: its display size (square pixels per
    /// `apertureMode`, turned when `appliesPreferredTrackTransform`) fitted inside `maximumSize`. The one
    /// place an output size is computed.
    public func imageSize(encoded: PixelSize, sampleAspectRatio: (numerator: Int, denominator: Int), orientation: Orientation) -> PixelSize {
        let shown = Geometry.displaySize(encoded: encoded, sampleAspectRatio: sampleAspectRatio, aperture: apertureMode,
                                         orientation: appliesPreferredTrackTransform ? orientation : .identity)
        return Geometry.fit(PixelSize(width: max(1, shown.width), height: max(1, shown.height)), inside: maximumSize)
    }

    /// `imageSize(encoded:sampleAspectRatio:orientation:)` from what the track says before decoding.
    public func imageSize(of track: VideoTrack) -> PixelSize {
        imageSize(encoded: track.encodedSize, sampleAspectRatio: track.sampleAspectRatio, orientation: track.orientation)
    }

    /// Bytes per pixel of the images: 16-bit channels (`outputDepth`, or HDR kept) take 8 with alpha, else 4.
    var bytesPerPixel: Int { outputDepth == .sixteen || hdrPolicy == .keep ? 8 : 4 }

    /// Where a request at `time` may be answered instead of a blank frame, per `nonBlankWithin`.
    func nonBlankRange(around time: MediaTime) -> ClosedRange<MediaTime>? {
        guard let distance = nonBlankWithin.map(Self.validTolerance), time.isNumeric else { return nil }
        return (time - distance)...(time + distance)
    }

    /// Negative or invalid tolerances count as zero.
    static func validTolerance(_ time: MediaTime) -> MediaTime {
        time.isValid && time > .zero ? time : .zero
    }
}
