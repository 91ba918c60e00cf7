/// Decides, frame by frame in display order, where new shots start: at hard cuts, and where new content
/// comes in after a run of black frames (a fade to black and back, a cut through black).
///
/// **Hard cut** at frame n: the difference between frames n-1 and n (`FrameSignature.distance`) is at
/// least `minimumDifference`, at least `ratio` times the mean of the differences around it (two frames on
/// each side: the motion of the shot, so that pans and dissolves, whose differences are spread over many
/// frames, do not count), and the frames after n do not look like the frames before it (a flash or a
/// one-frame glitch, after which the shot goes on, is not a cut: no pair of frames across n may be closer
/// than `returnFraction` of the cut's difference), and frame n is not frame n-1's picture at another
/// brightness or contrast (their luma patterns correlated at `samePictureCorrelation` or more: a light
/// change, a title card's background going from grey to white). A blank frame (`FrameSignature.isBlank`: a white flash,
/// a flat colour) never starts a shot, and takes no part in these comparisons.
///
/// **Through black**: a run of black frames (`FrameSignature.isBlack`) after content ends at the first
/// frame that is not black. When that frame's luma pattern does not match the last content before the run
/// (`FrameSignature.patternCorrelation` below `sameContentCorrelation`: not a dip to black inside one
/// shot), a new shot starts where its picture first shows: at the earliest of the run's last frames whose
/// pattern already matches it (a fade-in's dim first frames), else at the frame itself. The opening black
/// frames of a video belong to its first shot.
///
/// A frame's decision needs the two frames after it (`lookahead`), so cuts come out two frames late.
struct CutDetector {
    static let minimumDifference = 12.0
    static let ratio = 3.0
    static let returnFraction = 0.5
    static let sameContentCorrelation = 0.6
    static let samePictureCorrelation = 0.9
    static let lookahead = 2

    private struct Entry {
        let tick: Int64
        let signature: FrameSignature
        /// Distance from the previous frame (nil for the first frame).
        let difference: Double?
    }

    /// The last frames seen: up to two before the frame being decided, it, and `lookahead` after it.
    private var window: [Entry] = []
    /// Index in `window` of the next frame to decide.
    private var next = 0
    /// The last frame that was not blank, among those decided.
    private var lastContent: FrameSignature?
    /// The content before the current run of black frames, when one is going on.
    private var contentBeforeBlackRun: FrameSignature??
    /// The run's last frames (at most `blackRunKept`), where a fade-in's first frames may be.
    private var blackRun: [Entry] = []
    static let blackRunKept = 50

    /// Takes the next frame (display order); returns the ticks of the frames it has now decided start a shot.
    mutating func add(tick: Int64, signature: FrameSignature) -> [Int64] {
        let difference = window.last.map { $0.signature.distance(to: signature) }
        window.append(Entry(tick: tick, signature: signature, difference: difference))
        var cuts: [Int64] = []
        while next + Self.lookahead < window.count {
            if let cut = decide(next) { cuts.append(cut) }
            next += 1
        }
        // Keep two frames of history before the next frame to decide.
        let drop = max(0, next - 2)
        if drop > 0 {
            window.removeFirst(drop)
            next -= drop
        }
        return cuts
    }

    /// No more frames: decides the last ones with what there is after them.
    mutating func finish() -> [Int64] {
        var cuts: [Int64] = []
        while next < window.count {
            if let cut = decide(next) { cuts.append(cut) }
            next += 1
        }
        return cuts
    }

    private mutating func decide(_ index: Int) -> Int64? {
        let entry = window[index]
        let frame = entry.signature
        if frame.isBlack {
            if contentBeforeBlackRun == nil { contentBeforeBlackRun = .some(lastContent) }
            blackRun.append(entry)
            if blackRun.count > Self.blackRunKept { blackRun.removeFirst() }
            return nil
        }
        if frame.isBlank { return nil }
        defer { lastContent = frame }
        if let before = contentBeforeBlackRun {
            let run = blackRun
            contentBeforeBlackRun = nil
            blackRun = []
            guard let before, before.patternCorrelation(with: frame) < Self.sameContentCorrelation else {
                return nil  // the video's opening black frames, or a dip to black inside the shot
            }
            var start = entry.tick
            for dim in run.reversed() {
                guard dim.signature.patternCorrelation(with: frame) >= Self.sameContentCorrelation else { break }
                start = dim.tick
            }
            return start
        }
        return isHardCut(at: index) ? entry.tick : nil
    }

    private func isHardCut(at index: Int) -> Bool {
        guard index > 0, let difference = window[index].difference, difference >= Self.minimumDifference else {
            return false
        }
        // The shot's own motion: the differences of the two frames before and after, between non-blank frames.
        var around: [Double] = []
        for other in [index - 2, index - 1, index + 1, index + 2] where other > 0 && other < window.count {
            if let d = window[other].difference, !window[other].signature.isBlank, !window[other - 1].signature.isBlank {
                around.append(d)
            }
        }
        if !around.isEmpty, difference < Self.ratio * (around.reduce(0, +) / Double(around.count)) { return false }
        if window[index - 1].signature.patternCorrelation(with: window[index].signature) >= Self.samePictureCorrelation { return false }
        // A flash: the picture comes back after it.
        for before in [index - 1, index - 2] where before >= 0 {
            for after in index...min(index + Self.lookahead, window.count - 1) where !(before == index - 1 && after == index) {
                let (a, b) = (window[before].signature, window[after].signature)
                if a.isBlank || b.isBlank { continue }
                if a.distance(to: b) < Self.returnFraction * difference { return false }
            }
        }
        return true
    }
}
