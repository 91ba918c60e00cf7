/// An image made for one request.
public struct GeneratedImage: Sendable {
    /// The image: the frame shown at `actualTime`, converted to RGB(A), then sized and turned as the
    /// generator's settings say (`apertureMode`, `maximumSize`, `appliesPreferredTrackTransform`).
    public let image: FrameImage
    /// Presentation time of the frame the image shows, on the requested-time scale (0 = start of the file).
    public let actualTime: MediaTime
    /// Whether that frame is a keyframe (a frame that decodes on its own).
    public let isKeyframe: Bool
    /// What the blank-frame check did, for a request that asked for one (`FrameRequest.nonBlankRange`,
    /// `GenerationSettings.nonBlankWithin`); nil otherwise.
    public internal(set) var blankFrameCheck: BlankFrameCheck? = nil
    /// The image's share of the process's `ImageBudget`, given back when the last copy of this value goes.
    var budgetShare: ImageBudget.Share? = nil
}

/// What a request that avoids blank frames got. A frame is blank when it carries almost no picture: 96 % of
/// its luma and of each chroma plane lie within 24 levels of 255, measured on the frame averaged down to
/// 64×36, with no texture finer than that grid (black, white, one flat colour, a fade's darkest frames).
public enum BlankFrameCheck: Sendable, Equatable {
    /// The frame at the requested time is not blank: it is the answer, as without the check.
    case notBlank
    /// The frame at the requested time is blank; the answer is the nearest frame that is not, inside the
    /// request's range (the first after the time when there is one, else the last before it).
    case moved
    /// Every frame in the range is blank: the answer is the frame at the requested time, blank.
    case blank
}

/// The answer to one request of `AssetImageGenerator.results(for:)`.
public struct ImageResult: Sendable {
    /// Position of the request in the list of times given.
    public let requestIndex: Int
    /// The time asked for, as given (invalid or past the end included).
    public let requestedTime: MediaTime
    /// The image made, or why there is none.
    public let outcome: Result<GeneratedImage, FrameGrabError>
}

/// How much work a generator has done: what the cost of a set of requests was, for tests and benchmarks.
public struct GenerationStatistics: Sendable, Equatable {
    /// Video packets read from the file (including those read only to find a keyframe).
    public var packetsRead = 0
    /// Frames the decoder produced.
    public var framesDecoded = 0
    /// Seeks made.
    public var seeks = 0
    /// Frames converted to images (duplicate requests of one frame share a conversion).
    public var imagesConverted = 0

    /// No work done: every count zero.
    public init() {}

    static func + (lhs: GenerationStatistics, rhs: GenerationStatistics) -> GenerationStatistics {
        var sum = lhs
        sum.packetsRead += rhs.packetsRead
        sum.framesDecoded += rhs.framesDecoded
        sum.seeks += rhs.seeks
        sum.imagesConverted += rhs.imagesConverted
        return sum
    }

    static func - (lhs: GenerationStatistics, rhs: GenerationStatistics) -> GenerationStatistics {
        var difference = lhs
        difference.packetsRead -= rhs.packetsRead
        difference.framesDecoded -= rhs.framesDecoded
        difference.seeks -= rhs.seeks
        difference.imagesConverted -= rhs.imagesConverted
        return difference
    }
}
