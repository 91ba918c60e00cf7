/// A frame averaged down to a 64×36 grid of full-range Y, Cb and Cr samples, and what framegrab measures
/// on it: whether the frame is blank, and how far it is from another frame.
///
/// Averaging over blocks of the picture (30×30 pixels of a 1080p frame) takes out film grain and
/// compression noise, so that the measures see the picture rather than its noise.
struct FrameSignature: Sendable {
    static let width = 64, height = 36
    static let sampleCount = width * height

    /// Y, then Cb, then Cr, `sampleCount` each, full range (0–255).
    let samples: [UInt8]

    /// Luma spread: the distance between the 2nd and the 98th percentile of the luma samples.
    let lumaSpread: Int
    /// The larger of the two chroma planes' spreads (same percentiles).
    let chromaSpread: Int
    /// Mean luma, 0–255.
    let meanLuma: Double
    /// Fine detail: the mean distance between the luma at the grid's points (one pixel each) and the
    /// averaged luma around them. Grain and noise stay small (a few levels); a texture finer than the grid
    /// (a checkerboard, foliage, text), which averaging flattens to one grey, is large.
    let detail: Double

    /// A frame is blank when it carries almost no picture: its luma and its chroma each lie within a narrow
    /// band (`blankSpread`) over 96 % of the picture, with no fine texture either (`detail` below
    /// `blankDetail`): black, white, one flat colour, a fade's darkest frames.
    static let blankSpread = 24
    static let blankDetail = 12.0

    var isBlank: Bool { lumaSpread < Self.blankSpread && chromaSpread < Self.blankSpread && detail < Self.blankDetail }

    /// Blank and dark (mean luma below `blackLuma`): black, or nearly, as in the middle of a fade to black.
    static let blackLuma = 40.0

    var isBlack: Bool { isBlank && meanLuma < Self.blackLuma }

    /// `planes`: Y, Cb, Cr as swscale wrote them (area averages); `pointLuma`: the luma at the grid's
    /// points (nil: the averages, no detail); `limitedRange`: 16–235 (luma) and 16–240 (chroma) samples,
    /// stretched here to 0–255.
    init(planes: [UInt8], pointLuma: [UInt8]? = nil, limitedRange: Bool) {
        let n = Self.sampleCount
        func stretch(_ sample: UInt8, chroma: Bool) -> UInt8 {
            guard limitedRange else { return sample }
            return UInt8(clamping: (Int(sample) - 16) * 255 / (chroma ? 224 : 219))
        }
        let samples = planes.indices.map { stretch(planes[$0], chroma: $0 >= n) }
        self.samples = samples
        if let pointLuma {
            let total = (0..<n).reduce(0) { $0 + abs(Int(stretch(pointLuma[$1], chroma: false)) - Int(samples[$1])) }
            detail = Double(total) / Double(n)
        } else {
            detail = 0
        }
        lumaSpread = Self.spread(samples[0..<n])
        chromaSpread = max(Self.spread(samples[n..<(2 * n)]), Self.spread(samples[(2 * n)..<(3 * n)]))
        meanLuma = Double(samples[0..<n].reduce(0) { $0 + Int($1) }) / Double(n)
    }

    /// The 2nd to 98th percentile distance of a plane, from its histogram.
    private static func spread(_ plane: ArraySlice<UInt8>) -> Int {
        var histogram = [Int](repeating: 0, count: 256)
        for sample in plane { histogram[Int(sample)] += 1 }
        let cut = plane.count / 50
        var low = 0, seen = 0
        while seen + histogram[low] <= cut { seen += histogram[low]; low += 1 }
        var high = 255
        seen = 0
        while seen + histogram[high] <= cut { seen += histogram[high]; high -= 1 }
        return max(0, high - low)
    }

    /// How different two frames look, 0–255: the mean absolute difference of their samples, luma counted
    /// twice as much as each chroma plane.
    func distance(to other: FrameSignature) -> Double {
        let n = Self.sampleCount
        var luma = 0, chroma = 0
        samples.withUnsafeBufferPointer { a in
            other.samples.withUnsafeBufferPointer { b in
                for index in 0..<n { luma += abs(Int(a[index]) - Int(b[index])) }
                for index in n..<(3 * n) { chroma += abs(Int(a[index]) - Int(b[index])) }
            }
        }
        return Double(2 * luma + chroma) / Double(4 * n)
    }

    /// The correlation of the two luma patterns (each less its mean, over its spread), from -1 to 1: near 1
    /// for the same picture at another brightness (a fade's frame and the frame it fades from), low for
    /// different pictures.
    func patternCorrelation(with other: FrameSignature) -> Double {
        let n = Self.sampleCount
        let meanA = meanLuma, meanB = other.meanLuma
        var ab = 0.0, aa = 0.0, bb = 0.0
        for index in 0..<n {
            let a = Double(samples[index]) - meanA, b = Double(other.samples[index]) - meanB
            ab += a * b
            aa += a * a
            bb += b * b
        }
        guard aa > 0, bb > 0 else { return aa == bb ? 1 : 0 }
        return ab / (aa * bb).squareRoot()
    }
}
