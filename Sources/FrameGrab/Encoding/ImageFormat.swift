/// The file formats a `FrameImage` can be encoded to (`FrameImage.encodedData(format:quality:pngOptions:)`).
///
/// The raw value is the format's name as the command takes it (`--format jpeg`).
public enum ImageFormat: String, Sendable, CaseIterable {
    /// PNG, lossless through libpng: 8 or 16 bits per channel, alpha kept, `PNGOptions` apply.
    case png
    /// Baseline JPEG with a JFIF header, through libjpeg-turbo: 8 bits per channel, no alpha (see
    /// `FrameImage.jpegData(quality:)`).
    case jpeg
    /// Lossy WebP, through libwebp: 8 bits per channel, alpha kept (see `FrameImage.webpData(quality:)`).
    case webp

    /// The quality of lossy formats (JPEG, WebP) when none is given: 85.
    public static let defaultQuality = 85

    /// The qualities lossy formats take, 1 (smallest, worst) to 100 (largest, best); other values are clamped
    /// into this range.
    public static let qualityRange: ClosedRange<Int> = 1...100

    /// The usual file extension, without a dot: `png`, `jpg` or `webp`.
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .webp: return "webp"
        }
    }

    /// Whether the format loses detail, so that a quality applies: true for JPEG and WebP.
    public var isLossy: Bool { self != .png }

    /// The format a file extension names, ignoring case and a leading dot: `png`, `jpg` or `jpeg`, `webp`;
    /// nil for any other.
    public init?(fileExtension: String) {
        var name = Substring(fileExtension.lowercased())
        if name.hasPrefix(".") { name = name.dropFirst() }
        switch name {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default: return nil
        }
    }

    /// `quality` clamped into `qualityRange`.
    static func clamped(_ quality: Int) -> Int { min(qualityRange.upperBound, max(qualityRange.lowerBound, quality)) }
}
