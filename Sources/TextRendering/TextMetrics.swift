/// The box a line of text occupies when drawn at (x, baseline): columns `x ..< x + width`, rows
/// `baseline - ascent ..< baseline + descent`. Every pixel the text inks lies inside it.
public struct TextMetrics: Sendable, Equatable {
    /// Pixels from `x` to past the last glyph's advance or ink, whichever reaches further.
    public let width: Int
    /// Pixels above the baseline: the font's ascent, or more if a glyph reaches higher.
    public let ascent: Int
    /// Pixels below the baseline: the font's descent, or more if a glyph reaches lower.
    public let descent: Int
    /// `ascent + descent`.
    public var height: Int { ascent + descent }

    public init(width: Int, ascent: Int, descent: Int) {
        self.width = width
        self.ascent = ascent
        self.descent = descent
    }
}
