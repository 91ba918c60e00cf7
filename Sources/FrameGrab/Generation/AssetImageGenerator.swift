import Locking
import Synchronization

/// Makes still images of a video at requested times, like AVFoundation's `AVAssetImageGenerator`.
///
/// ```swift
/// let generator = AssetImageGenerator(asset: try MediaAsset(path: "movie.mp4"))
/// generator.maximumSize = PixelSize(width: 640, height: 0)
/// for await result in generator.images(for: [MediaTime(seconds: 12.5), MediaTime(seconds: 50)]) {
///     switch result {
///     case .success(let requested, let image, let actual): try image.writePNG(to: ...)
///     case .failure(let requested, let error): print(error)
///     }
/// }
/// ```
///
/// Unlike AVFoundation, both tolerances default to zero: the image is the frame on screen at the requested
/// time. Wider tolerances let the generator return a keyframe inside the window instead, which is faster.
public final class AssetImageGenerator: Sendable {
    /// The video the images are taken from.
    public let asset: MediaAsset

    private let current: Lock<GenerationSettings>
    private let totals = Lock(GenerationStatistics())
    /// Bumped by `cancelAllImageGeneration()`; a run started before the bump ends its pending requests.
    private let cancellations = Atomic<Int>(0)

    /// A generator for `asset` with `settings` (by default: zero tolerances, the display size, upright,
    /// square pixels, 8 bits per channel, HDR tone-mapped and deinterlaced, one decoder thread per core).
    public init(asset: MediaAsset, settings: GenerationSettings = GenerationSettings()) {
        self.asset = asset
        current = Lock(Self.valid(settings))
    }

    /// Every setting at once. The properties below are views of it; a run started by `images(for:)` or
    /// `results(for:)` keeps the settings it started with.
    public var settings: GenerationSettings {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = Self.valid(newValue) } }
    }

    /// `settings` as the generator keeps them: tolerances at least zero, sizes and thread counts not negative.
    private static func valid(_ settings: GenerationSettings) -> GenerationSettings {
        var valid = settings
        valid.toleranceBefore = GenerationSettings.validTolerance(settings.toleranceBefore)
        valid.toleranceAfter = GenerationSettings.validTolerance(settings.toleranceAfter)
        valid.maximumSize = PixelSize(width: max(0, settings.maximumSize.width), height: max(0, settings.maximumSize.height))
        valid.decoderThreadCount = max(0, settings.decoderThreadCount)
        return valid
    }

    /// How far before the requested time the image may be (zero, the default, means exactly; `.positiveInfinity`
    /// means any earlier frame). Negative or invalid values count as zero.
    public var requestedTimeToleranceBefore: MediaTime {
        get { settings.toleranceBefore }
        set { current.withLock { $0.toleranceBefore = GenerationSettings.validTolerance(newValue) } }
    }

    /// How far after the requested time the image may be. See `requestedTimeToleranceBefore`.
    public var requestedTimeToleranceAfter: MediaTime {
        get { settings.toleranceAfter }
        set { current.withLock { $0.toleranceAfter = GenerationSettings.validTolerance(newValue) } }
    }

    /// The largest image wanted: images are scaled down to fit inside it, keeping their shape, and never
    /// scaled up. A zero dimension is unconstrained; `.zero` (the default) keeps the display size.
    public var maximumSize: PixelSize {
        get { settings.maximumSize }
        set { current.withLock { $0.maximumSize = PixelSize(width: max(0, newValue.width), height: max(0, newValue.height)) } }
    }

    /// Whether images are turned upright by the stream's display matrix. True by default (unlike AVFoundation,
    /// whose default of false gives sideways phone videos).
    public var appliesPreferredTrackTransform: Bool {
        get { settings.appliesPreferredTrackTransform }
        set { current.withLock { $0.appliesPreferredTrackTransform = newValue } }
    }

    /// Whether pixels are made square (`.productionAperture`, the default) or kept as stored.
    public var apertureMode: ApertureMode {
        get { settings.apertureMode }
        set { current.withLock { $0.apertureMode = newValue } }
    }

    /// Threads decoding may use; 0 (the default) means one per core. When the requests fall between
    /// several keyframes, they are split into groups that share no decoding, and up to this many decoders
    /// (decode lanes) take groups at once, as jobs on the `WorkPool`; otherwise one decoder uses the
    /// threads, decoding several frames at once with zero tolerances, slices of one frame with a window.
    public var decoderThreadCount: Int {
        get { settings.decoderThreadCount }
        set { current.withLock { $0.decoderThreadCount = max(0, newValue) } }
    }

    /// Bits per channel of the images: `.eight` (the default) or `.sixteen`, which keeps the precision of
    /// 10- and 12-bit sources. Tone-mapped HDR follows it; `HDRPolicy.keep` always gives 16 bits.
    public var outputDepth: OutputDepth {
        get { settings.outputDepth }
        set { current.withLock { $0.outputDepth = newValue } }
    }

    /// What happens to PQ and HLG pictures: tone-mapped to SDR BT.709 (`.toneMap`, the default; see
    /// `ToneMapping`) or kept as a 16-bit signal tagged with its code points (`.keep`).
    public var hdrPolicy: HDRPolicy {
        get { settings.hdrPolicy }
        set { current.withLock { $0.hdrPolicy = newValue } }
    }

    /// Whether frames flagged as interlaced are deinterlaced (true, the default): the field shown first
    /// alone, scaled to the full height, so that moving edges show no combing. False keeps both fields.
    public var deinterlaces: Bool {
        get { settings.deinterlaces }
        set { current.withLock { $0.deinterlaces = newValue } }
    }

    /// The size of the images the generator makes with its current settings, from the track's facts: its
    /// display size (stored size and sample aspect ratio, per `apertureMode`, turned by the orientation when
    /// `appliesPreferredTrackTransform`) fitted inside `maximumSize`. Laying out several images (a contact
    /// sheet, a sprite) can start from it; a stream whose frame size changes midway gives other sizes there.
    public var imageSize: PixelSize {
        settings.imageSize(of: asset.videoTrack)
    }

    /// Images for `times`, as an asynchronous sequence that yields each result as soon as it is ready.
    /// Requests are answered in timeline order, not in the order given.
    public func images(for times: [MediaTime]) -> Images {
        Images(results: results(for: times))
    }

    /// Like `images(for:)`, with each result saying which request (by position in `times`) it answers and
    /// whether the image is a keyframe.
    public func results(for times: [MediaTime]) -> Results {
        Results(generator: self, times: times, settings: settings,
                cancellationMark: cancellations.load(ordering: .acquiring))
    }

    /// Like `results(for:)` with times, each request with options of its own (`FrameRequest`).
    public func results(for requests: [FrameRequest]) -> Results {
        Results(generator: self, times: requests.map(\.time), settings: settings,
                cancellationMark: cancellations.load(ordering: .acquiring),
                nonBlankRanges: requests.map { $0.nonBlankRange ?? settings.nonBlankRange(around: $0.time) })
    }

    /// One image, as AVFoundation's `image(at:)`.
    public func image(at time: MediaTime) async throws(FrameGrabError) -> (image: FrameImage, actualTime: MediaTime) {
        for await result in results(for: [time]) {
            switch result.outcome {
            case .success(let generated): return (generated.image, generated.actualTime)
            case .failure(let error): throw error
            }
        }
        throw FrameGrabError(cancelled: asset.path, time: time)
    }

    /// Ends every run in progress: their pending requests end as failures with the `cancelled` code.
    public func cancelAllImageGeneration() {
        cancellations.add(1, ordering: .releasing)
    }

    /// The work done by every run of this generator so far (updated as each request is answered).
    public var statistics: GenerationStatistics { totals.withLock { $0 } }

    func record(_ work: GenerationStatistics) {
        totals.withLock { $0 = $0 + work }
    }

    func isCancelled(since mark: Int) -> Bool {
        cancellations.load(ordering: .acquiring) != mark
    }

}
