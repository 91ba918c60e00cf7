internal import CFreeType

// The only Swift file that imports CFreeType. Neither class is thread-safe: FreeType allows one thread at
// a time per FT_Library and its faces, so `Font` keeps both behind its lock.

/// Every FreeType return code passes through here: a non-zero code becomes an error naming the call.
func check(_ error: FT_Error, _ call: @autoclosure () -> String) throws(TextRenderingError) {
    if error != 0 { throw TextRenderingError.freeType(call: call(), code: error) }
}

/// FreeType's own text for an error code (from its fterrors.h), if it lists the code.
func freeTypeMessage(_ code: Int32) -> String? {
    fg_ft_error_message(code).map { String(cString: $0) }
}

/// Owns one `FT_Library`.
final class FreeTypeLibrary {
    let handle: FT_Library

    init() throws(TextRenderingError) {
        var library: FT_Library?
        try check(FT_Init_FreeType(&library), "FT_Init_FreeType")
        guard let library else { throw TextRenderingError.freeType(call: "FT_Init_FreeType", code: 0) }
        handle = library
    }

    deinit { FT_Done_FreeType(handle) }
}

/// A glyph rendered to 8-bit coverage (0 transparent, 255 fully covered), with where it sits.
struct GlyphBitmap: Sendable {
    /// Columns and rows of `coverage`.
    let width: Int
    let rows: Int
    /// Coverage, row after row from the top, `width` bytes a row.
    let coverage: [UInt8]
    /// From the pen position to the bitmap's left column, in pixels (FreeType's `bitmap_left`).
    let left: Int
    /// From the baseline up to the bitmap's top row, in pixels (FreeType's `bitmap_top`).
    let top: Int
    /// How far the pen moves after this glyph, in 26.6 fixed point (hinted, so whole pixels).
    let advance: Int
}

/// Owns one `FT_Face`, sized to a pixel height. Keeps its library alive: a face must be released before
/// the library it came from.
final class FreeTypeFace {
    let library: FreeTypeLibrary
    let handle: FT_Face

    init(path: String, pixelHeight: Int, library: FreeTypeLibrary) throws(TextRenderingError) {
        self.library = library
        var face: FT_Face?
        try check(FT_New_Face(library.handle, path, 0, &face), "FT_New_Face(\(path))")
        guard let face else { throw TextRenderingError.freeType(call: "FT_New_Face(\(path))", code: 0) }
        handle = face
        // From here on deinit releases the face, also when a check below throws.
        try check(FT_Select_Charmap(face, FT_ENCODING_UNICODE), "FT_Select_Charmap(FT_ENCODING_UNICODE)")
        try check(FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelHeight)), "FT_Set_Pixel_Sizes(0, \(pixelHeight))")
    }

    deinit { FT_Done_Face(handle) }

    /// Ascender and descender (both positive, in pixels) and the baseline-to-baseline distance, as the
    /// face reports them at its size (rounded to whole pixels by FreeType for a hinted scalable font).
    var lineMetrics: (ascent: Int, descent: Int, lineGap: Int) {
        let metrics = handle.pointee.size.pointee.metrics
        let ascent = Int(metrics.ascender + 63) >> 6
        let descent = Int(-metrics.descender + 63) >> 6
        let height = Int(metrics.height + 63) >> 6
        return (ascent, descent, max(0, height - ascent - descent))
    }

    var hasKerning: Bool { fg_ft_has_kerning(handle) != 0 }

    /// The glyph for a Unicode code point; 0 (the face's .notdef) when the face has none.
    func glyphIndex(for scalar: Unicode.Scalar) -> UInt32 {
        UInt32(FT_Get_Char_Index(handle, FT_ULong(scalar.value)))
    }

    /// The kerning between two glyphs, in 26.6 fixed point, grid-fitted (`FT_KERNING_DEFAULT`).
    func kerning(_ left: UInt32, _ right: UInt32) throws(TextRenderingError) -> Int {
        var vector = FT_Vector()
        try check(FT_Get_Kerning(handle, left, right, FT_UInt(FT_KERNING_DEFAULT.rawValue), &vector),
                  "FT_Get_Kerning(\(left), \(right))")
        return Int(vector.x)
    }

    /// Loads a glyph (hinted) and renders it anti-aliased (`FT_RENDER_MODE_NORMAL`).
    func render(glyph index: UInt32) throws(TextRenderingError) -> GlyphBitmap {
        try check(FT_Load_Glyph(handle, index, fg_ft_load_default()), "FT_Load_Glyph(\(index))")
        let slot = handle.pointee.glyph!
        if slot.pointee.format != FT_GLYPH_FORMAT_BITMAP {
            try check(FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL), "FT_Render_Glyph(\(index))")
        }
        let bitmap = slot.pointee.bitmap
        let width = Int(bitmap.width), rows = Int(bitmap.rows), pitch = Int(bitmap.pitch)
        var coverage = [UInt8](repeating: 0, count: width * rows)
        if let buffer = bitmap.buffer, width > 0, rows > 0 {
            // A negative pitch means the rows are stored bottom first, `buffer` pointing at the top row.
            for y in 0..<rows {
                let row = buffer + y * pitch
                for x in 0..<width {
                    coverage[y * width + x] = Self.coverage(row, x, mode: bitmap.pixel_mode, grays: Int(bitmap.num_grays))
                }
            }
        }
        return GlyphBitmap(width: width, rows: rows, coverage: coverage,
                           left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                           advance: Int(slot.pointee.advance.x))
    }

    /// Coverage of pixel `x` of a bitmap row, scaled to 0–255, for the pixel modes a face can hand out.
    private static func coverage(_ row: UnsafeMutablePointer<UInt8>, _ x: Int, mode: UInt8, grays: Int) -> UInt8 {
        switch FT_Pixel_Mode(UInt32(mode)) {
        case FT_PIXEL_MODE_MONO:
            return row[x >> 3] & (0x80 >> UInt8(x & 7)) != 0 ? 255 : 0
        case FT_PIXEL_MODE_GRAY:
            let value = Int(row[x])
            return grays > 1 && grays != 256 ? UInt8(min(255, value * 255 / (grays - 1))) : row[x]
        case FT_PIXEL_MODE_BGRA:
            return row[x * 4 + 3]
        default:
            return 0
        }
    }
}
