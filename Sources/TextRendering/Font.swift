import Glibc
import Locking

/// A typeface at one pixel size, drawing single lines of text with FreeType: hinted, anti-aliased,
/// kerned where the font has a kerning table. Each Unicode scalar of the text is one glyph, placed
/// left to right (no shaping, no bidirectional reordering); a character the font lacks draws as its
/// .notdef glyph. The same text at the same size always gives the same pixels.
///
/// A `Font` may be shared between threads and tasks: its FreeType objects are used under a lock, held
/// while glyphs are looked up and laid out, not while they are blended onto a canvas.
///
/// ```swift
/// let font = try Font.dejaVuSans(pixelHeight: 14)
/// var canvas = Canvas(width: 160, height: 20, fill: .black)
/// let label = font.truncated("holiday – ünïcode.mkv", toWidth: canvas.width - 4)
/// font.draw(label, into: &canvas, x: 2, baseline: 2 + font.ascent, color: .white)
/// ```
public final class Font: Sendable {
    /// Where Debian's fonts-dejavu-core package installs DejaVu Sans.
    public static let dejaVuSansPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    /// The pixel heights a font can be opened at.
    public static let pixelHeights = 1...1024

    /// The font file.
    public let path: String
    /// The em size in pixels (FreeType's `FT_Set_Pixel_Sizes`); capitals are about 0.73 of it in DejaVu Sans.
    public let pixelHeight: Int
    /// Pixels from the baseline up to the font's ascender line.
    public let ascent: Int
    /// Pixels from the baseline down to the font's descender line.
    public let descent: Int
    /// Pixels from one baseline to the next, as the font recommends (at least `ascent + descent`).
    public let lineHeight: Int

    private let state: Lock<GlyphSource>

    /// DejaVu Sans, from Debian's fonts-dejavu-core package; throws `fontFileNotFound` naming the
    /// package when it is not installed.
    public static func dejaVuSans(pixelHeight: Int) throws(TextRenderingError) -> Font {
        guard access(dejaVuSansPath, F_OK) == 0 else {
            throw .fontFileNotFound(path: dejaVuSansPath, debianPackage: "fonts-dejavu-core")
        }
        return try Font(path: dejaVuSansPath, pixelHeight: pixelHeight)
    }

    /// The first face of a font file FreeType can read (TrueType, OpenType, Type 1, …) at `pixelHeight`.
    public init(path: String, pixelHeight: Int) throws(TextRenderingError) {
        guard Self.pixelHeights.contains(pixelHeight) else { throw .invalidPixelHeight(pixelHeight) }
        guard access(path, F_OK) == 0 else { throw .fontFileNotFound(path: path, debianPackage: nil) }
        let source = try GlyphSource(path: path, pixelHeight: pixelHeight)
        (ascent, descent, lineHeight) = (source.ascent, source.descent, source.lineHeight)
        self.path = path
        self.pixelHeight = pixelHeight
        state = Lock(source)
    }

    /// The box `text` occupies when drawn (see `TextMetrics`).
    public func measure(_ text: String) -> TextMetrics {
        layout(text).metrics
    }

    /// Draws `text` onto `canvas` with the left edge of its box at column `x` and its baseline at row
    /// `baseline`, blending each glyph's coverage in `color` over what is there. Whatever falls outside
    /// the canvas is clipped. Returns the text's box, as `measure` would.
    @discardableResult
    public func draw(_ text: String, into canvas: inout Canvas, x: Int, baseline: Int, color: RGBA) -> TextMetrics {
        let layout = layout(text)
        // Beyond ±2⁴⁰ nothing can land on a canvas; clamping keeps the sums below from overflowing.
        let x = min(max(x, -(1 << 40)), 1 << 40), baseline = min(max(baseline, -(1 << 40)), 1 << 40)
        for placed in layout.glyphs {
            let glyph = placed.bitmap
            let left = x + placed.x + glyph.left, top = baseline - glyph.top
            let columns = Canvas.clip(left, glyph.width, to: canvas.width)
            let rows = Canvas.clip(top, glyph.rows, to: canvas.height)
            guard !columns.isEmpty, !rows.isEmpty else { continue }
            for row in rows {
                let source = (row - top) * glyph.width - left
                let destination = row * canvas.width
                for column in columns {
                    let coverage = glyph.coverage[source + column]
                    if coverage != 0 { canvas.blend(color, coverage: coverage, at: (destination + column) * 4) }
                }
            }
        }
        return layout.metrics
    }

    /// Where `truncated` shortens a text.
    public enum Truncation: Sendable {
        /// Keeps the start: "a very long na…".
        case end
        /// Keeps the start and the end, so a file name keeps its extension: "a very l…me.mkv".
        case middle
    }

    /// `text` if it fits in `width` pixels; otherwise the longest shortening with "…" that fits (whole
    /// characters are dropped, and spaces next to the "…"), or "" if not even "…" fits.
    public func truncated(_ text: String, toWidth width: Int, at position: Truncation = .end) -> String {
        if measure(text).width <= width { return text }
        let characters = Array(text)
        func shortened(keeping count: Int) -> String {
            let head = position == .end ? count : (count + 1) / 2
            let start = String(characters[..<head]), end = String(characters[(characters.count - (count - head))...])
            return String(start.reversed().drop(while: \.isWhitespace).reversed()) + "…"
                + String(end.drop(while: \.isWhitespace))
        }
        guard measure("…").width <= width else { return "" }
        // Invariant: keeping `fits` characters fits, keeping `tooMany` does not (all of them did not).
        var fits = 0, tooMany = characters.count
        while tooMany - fits > 1 {
            let middle = (fits + tooMany) / 2
            if measure(shortened(keeping: middle)).width <= width { fits = middle } else { tooMany = middle }
        }
        return shortened(keeping: fits)
    }

    private func layout(_ text: String) -> TextLayout {
        state.withLock { source in source.layout(text) }
    }
}

/// Glyphs placed for one line of text: each bitmap with its pen position relative to the box's left edge.
struct TextLayout: Sendable {
    var glyphs: [(bitmap: GlyphBitmap, x: Int)]
    var metrics: TextMetrics
}

/// The FreeType face behind a `Font` and the glyphs rendered so far; used only under the font's lock.
final class GlyphSource {
    let face: FreeTypeFace
    let ascent: Int, descent: Int, lineHeight: Int
    private let hasKerning: Bool
    /// The face's .notdef glyph, rendered when the font was opened; stands in for a glyph that fails to render.
    private let notdef: GlyphBitmap
    /// Rendered glyphs by glyph index: at most one per glyph of the face.
    private var cache: [UInt32: GlyphBitmap] = [:]

    init(path: String, pixelHeight: Int) throws(TextRenderingError) {
        face = try FreeTypeFace(path: path, pixelHeight: pixelHeight, library: FreeTypeLibrary())
        let metrics = face.lineMetrics
        (ascent, descent, lineHeight) = (metrics.ascent, metrics.descent, metrics.ascent + metrics.descent + metrics.lineGap)
        hasKerning = face.hasKerning
        notdef = try face.render(glyph: 0)
        cache[0] = notdef
    }

    func glyph(_ index: UInt32) -> GlyphBitmap {
        if let glyph = cache[index] { return glyph }
        let glyph = (try? face.render(glyph: index)) ?? notdef
        cache[index] = glyph
        return glyph
    }

    func layout(_ text: String) -> TextLayout {
        var glyphs: [(bitmap: GlyphBitmap, x: Int)] = []
        var pen = 0  // 26.6 fixed point
        var previous: UInt32?
        var inkLeft = 0, inkRight = 0, inkTop = ascent, inkBottom = descent
        for scalar in text.unicodeScalars {
            let index = face.glyphIndex(for: scalar)
            if hasKerning, let previous {
                // A pair FreeType cannot kern is drawn unkerned.
                pen += (try? face.kerning(previous, index)) ?? 0
            }
            let bitmap = glyph(index)
            let x = (pen + 32) >> 6
            glyphs.append((bitmap, x))
            if bitmap.width > 0 && bitmap.rows > 0 {
                inkLeft = min(inkLeft, x + bitmap.left)
                inkRight = max(inkRight, x + bitmap.left + bitmap.width)
                inkTop = max(inkTop, bitmap.top)
                inkBottom = max(inkBottom, bitmap.rows - bitmap.top)
            }
            pen += bitmap.advance
            previous = index
        }
        // A first glyph inking left of its origin moves the line right, so the box starts at x.
        let shift = -inkLeft
        for index in glyphs.indices { glyphs[index].x += shift }
        let width = max((pen + 32) >> 6, inkRight) + shift
        return TextLayout(glyphs: glyphs, metrics: TextMetrics(width: width, ascent: inkTop, descent: inkBottom))
    }
}
